"""Rules that keep the graph current.

tag_rules   dynamic tags kept equal to a segment definition
defaults    the standard value, purchase and interest rules (`c360 rules install-defaults`)
linkage     linkage rules (联动规则): a customer gains a tag, an action fires once
"""
