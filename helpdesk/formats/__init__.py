"""One date format per language, site-wide (FORMAT_MODULE_PATH): "2 Dec 2026, 10:19",
"2 Des 2026, 10.19", "2026年12月2日 10:19". Django's own per-locale formats mix styles
("12/02/2026" beside "Dec. 2, 2026"); these read the same on every page. The staff templates
show dates through the `when` filter (staff/templatetags/when.py)."""
