"""Paragraph kinds on unseen outlets: page furniture in general, datelines, and news that uses the same words."""

from __future__ import annotations

from etl.segment import segment

PAGE = "\n".join(
    [
        "Allies pledge more shells",
        "Published June 22,2023",
        "Updated 14:05 GMT, June 22, 2023",
        "Subscribe",
        "+ ↺ − 16 px",
        "Officials said on Tuesday that Ukraine would one day become a member of the alliance, and that the "
        "allies would keep sending air defence systems, shells and generators through the winter to help it.",
        "Prices start at $99.99.",
        "Photograph: Stringer/Reuters",
        "Leave a Reply",
        "Show more",
        "Become a member and read without limits",
        "Join the conversation",
        "12 comments",
        "* * *",
    ]
)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text[:24]) for s in segment(text, "Allies pledge more shells")]


def test_furniture_datelines_and_story() -> None:
    assert kinds(PAGE) == [
        ("headline", "Allies pledge more shell"),
        ("byline", "Published June 22,2023"),  # a dateline is read, never a promo title
        ("byline", "Updated 14:05 GMT, June "),  # the time before the date too
        ("chrome", "Subscribe"),
        ("chrome", "+ ↺ − 16 px"),  # a widget: no word
        ("body", "Officials said on Tuesda"),  # "become a member" in a long paragraph is news
        ("body", "Prices start at $99.99."),
        ("caption", "Photograph: Stringer/Reu"),  # a credit line
        ("chrome", "Leave a Reply"),
        ("chrome", "Show more"),
        ("chrome", "Become a member and read"),  # the same words in a short paragraph are a promo
        ("chrome", "Join the conversation"),
        ("chrome", "12 comments"),
        ("chrome", "* * *"),
    ]


def test_button_labels_bbc_captions_and_related_boxes() -> None:
    """Lone labels of buttons are furniture; "Image caption, ..." is a caption; a run of headings above a promo
    is the promo's box. The same words inside a story stay news."""
    page = "\n".join(
        [
            "Allies pledge more shells",
            "Share",
            "Save",
            "Image caption, Firefighters worked through the night",
            "Kyiv was hit by the largest drone attack since the start of the war, officials said on Saturday, and "
            "residents were told to save water and share shelters.",
            "Related Topics",
            "Russia-Ukraine war",
            "More on this story",
        ]
    )
    assert kinds(page) == [
        ("headline", "Allies pledge more shell"),
        ("chrome", "Share"),
        ("chrome", "Save"),
        ("caption", "Image caption, Firefight"),
        ("body", "Kyiv was hit by the larg"),
        ("chrome", "Related Topics"),
        ("chrome", "Russia-Ukraine war"),  # a topic's name between two lines of the box
        ("chrome", "More on this story"),
    ]
