"""Pure renderers that turn records into inline SVG and HTML fragments."""
