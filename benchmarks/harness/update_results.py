#!/usr/bin/env python3
"""Replace one section of docs/benchmarks.md with new content.

usage: update_results.py SECTION FILE_WITH_MARKDOWN
The section lives between '<!-- BEGIN SECTION -->' and '<!-- END SECTION -->';
it is appended if missing. Sections written by other harnesses are left alone.
"""
import os
import sys

section, src = sys.argv[1], sys.argv[2]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
path = os.path.join(root, "docs", "benchmarks.md")
body = open(src).read().rstrip() + "\n"
begin, end = f"<!-- BEGIN {section} -->", f"<!-- END {section} -->"
text = open(path).read() if os.path.exists(path) else (
    "# Benchmarks\n\nFigures written by the harnesses under `benchmarks/harness/`; each section is replaced "
    "whole by its harness. Ratios are taken in one run on the machine named in the section.\n\n")
block = f"{begin}\n{body}{end}\n"
if begin in text and end in text:
    pre = text[: text.index(begin)]
    post = text[text.index(end) + len(end):].lstrip("\n")
    text = pre + block + ("\n" + post if post else "")
else:
    text = text.rstrip() + "\n\n" + block
open(path, "w").write(text)
print(f"updated section {section} of {path}")
