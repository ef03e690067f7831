"""Laying out pages: WeasyPrint, measuring boxes, candidate compositions, fitting, the design score, the proof."""
