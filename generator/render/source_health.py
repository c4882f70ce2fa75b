"""Source-health numbers as HTML for the ``<!-- fault-lines: sources -->`` marker (methodology page)."""

from __future__ import annotations

from generator.model import Chronology
from generator.render.pages import environment
from generator.render.urls import page_path, page_url, relative
from generator.sources import percent, source_report

TOP_PUBLISHERS = 10

TEMPLATE = """\
<div class="fl-source-health">
<p>{{ r.overall.sources }} sources cite {{ r.incidents }} incidents; <strong>{{ pct(r.overall) }}</strong>
({{ r.overall.archived }}) have an archived copy.
{{ aggregator_sentence }}</p>
{% if r.by_kind %}<div class="fl-table-scroll" tabindex="0" role="region" aria-label="Archive coverage by kind of source"><table class="fl-counts">
<caption>Archive coverage by kind of source</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Sources</th><th scope="col">Archived</th></tr></thead>
<tbody>
{% for c in r.by_kind %}<tr><td>{{ c.label }}
{%- if c.aggregator %} <span class="fl-note">(aggregator)</span>{% endif -%}
</td><td class="fl-num">{{ c.sources }}</td><td class="fl-num">{{ pct(c) }}</td></tr>
{% endfor %}</tbody>
</table></div>{% endif %}
{% if aggregator_only %}<p>Resting only on aggregators:
{% for a in aggregator_only %}<a href="{{ a.url }}">{{ a.title }}</a>{% if not loop.last %}; {% endif %}
{%- endfor %}.</p>{% endif %}
{% if publishers %}<div class="fl-table-scroll" tabindex="0" role="region" aria-label="Most cited publishers"><table class="fl-counts">
<caption>Most cited publishers</caption>
<thead><tr><th scope="col">Publisher</th><th scope="col">Sources</th></tr></thead>
<tbody>
{% for name, n in publishers %}<tr><td>{{ name }}</td><td class="fl-num">{{ n }}</td></tr>
{% endfor %}</tbody>
</table></div>{% endif %}
</div>
"""


def _aggregator_sentence(count: int) -> str:
    if not count:
        return "No incident rests only on aggregators or mirrors."
    return f"{count} incident{'s rest' if count != 1 else ' rests'} only on aggregators or mirrors."


def sources_fragment(
    chronology: Chronology, here: str = "methodology.md", directory_urls: bool = True
) -> str:
    """Archive coverage overall and per kind, aggregator-only incidents and the top publishers, as HTML."""
    report = source_report(chronology)
    aggregator_only = [
        {
            "title": chronology.incident_by_id[incident_id].data.title,
            "url": relative(
                here, page_url(page_path("incidents", incident_id), directory_urls), directory_urls
            ),
        }
        for incident_id, _ in report.aggregator_only
    ]
    html = (
        environment()
        .from_string(TEMPLATE)
        .render(
            r=report,
            pct=percent,
            aggregator_only=aggregator_only,
            aggregator_sentence=_aggregator_sentence(len(report.aggregator_only)),
            publishers=report.publishers[:TOP_PUBLISHERS],
        )
    )
    # no blank lines: Markdown would end the HTML block there and parse the rest as text
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"
