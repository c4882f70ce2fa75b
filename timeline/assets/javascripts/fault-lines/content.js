// Material's inline partials/javascripts/content.html, moved to a file (see scope.js): opens the linked tab.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
