"""Package data: the browser pages c360 serves, with no CDN.

map/      the customer map page (/map/): plain HTML and JS drawing with cytoscape
vendor/   the npm files the pages load (/vendor/), exactly those `package.json` lists
          under `servedFiles`, copied from `node_modules` by scripts/vendor_web.py
          (scripts/bootstrap, and every wheel build); not in git
"""
