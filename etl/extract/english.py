"""English closed-class words: the small fixed set of function words that every text is full of.

One home for the list, so that whatever needs "a word any article holds" (an entity alias that would
match everywhere, in facts.py) asks the same question. Lower case: compare a word lower-cased.
"""

from __future__ import annotations

CLOSED_CLASS = frozenset(
    # determiners
    "a an the this that these those my your his her its our their some any no every each either neither all both"
    " many much few several such what which whose another other"
    # pronouns
    " i me we us you he him she it they them myself yourself himself herself itself ourselves yourselves"
    " themselves mine yours hers ours theirs who whom one there"
    # prepositions
    " about above across after against along amid among around as at before behind below beneath beside besides"
    " between beyond by despite down during except for from in inside into like near of off on onto out outside"
    " over past per since than through throughout till to toward towards under until unto up upon via with"
    " within without"
    # conjunctions
    " and but or nor so yet because if unless when whenever where wherever while whereas although though whether"
    " lest once"
    # auxiliaries and modals
    " am is are was were be been being has have had having do does did will would shall should can could may might"
    " must ought".split()
)
