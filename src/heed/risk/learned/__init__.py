"""The learned layer beside the rules: sentence vectors from a static table distilled from all-MiniLM-L6-v2,
a small network with one output per indicator, trained on labelled sentences and the pack's examples, and the
same scope logic as the rules. Pure Python and numpy, no Django and no torch. See
docs/adr/0006-learned-layer.md.
"""
