"""HTML mode: choosing the article root on page shapes that once lost article lines.

Every page here is written for the test; none is copied from a real site.
"""

from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner.html import goodness

STORY = [
    "The river board met on Monday to decide how the old weir should be repaired this year.",
    "Engineers told members that the stone face had cracked in two places during the floods.",
    "A temporary dam would let crews pump the channel dry and reach the base of the wall.",
    "The work is expected to take eleven weeks and will close the towpath for most of it.",
    "Anglers asked the board to leave one bank open so that the club's season is not lost.",
    "The board agreed to keep the north bank open on weekends while the crews are away.",
    "Residents near the lock will receive a letter with the dates before work begins.",
    "Funding comes from the regional flood budget and from a grant for heritage repairs.",
    "The last full repair of the weir was carried out more than forty years ago, in spring.",
    "A public meeting on the plans will be held at the village hall at the end of the month.",
]


@pytest.fixture(scope="module")
def generic() -> Cleaner:
    return Cleaner(packs=["common"], detect=False)


def page(body: str) -> str:
    return f"<!doctype html><html><head><title>Weir repair</title></head><body>{body}</body></html>"


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


def teasers() -> str:
    return (
        '<div class="more-stories"><h2>More stories</h2>'
        + "".join(
            f'<div class="card"><h3><a href="/s{i}">Story number {i} from the valley</a></h3>'
            f"<p>A short summary of another story that has nothing to do with the weir {i}.</p>"
            "</div>"
            for i in range(4)
        )
        + "</div>"
    )


def test_opening_paragraphs_before_a_read_more_box_are_kept(generic: Cleaner) -> None:
    # the body's first paragraphs stand in its container, the rest in a collapsed box
    intro = "THE river board has agreed a plan to repair the old weir before the winter rains."
    body = (
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        '<div id="story"><div class="story-header"><h1>Weir to be repaired</h1></div>'
        f'<div class="story-body"><div class="story-intro"><p><strong>{intro}</strong></p></div>'
        + "".join(f"<p>{p}</p>" for p in STORY[:2])
        + '<div id="read-more"><div id="read-more-link"><a href="#">Read more</a></div>'
        '<div id="read-more-content">'
        + "".join(f"<p>{p}</p>" for p in STORY[2:])
        + "</div></div></div></div>"
        + teasers()
    )
    assert lines(generic.clean_html(page(body)).text) == [intro, *STORY]


def test_a_paragraph_above_the_title_is_not_an_opening_paragraph(generic: Cleaner) -> None:
    notice = "This site uses cookies so that the pages load faster for readers in your region."
    body = (
        f'<div class="story-body"><p>{notice}</p><h1>Weir to be repaired</h1>'
        + "".join(f"<p>{p}</p>" for p in STORY[:2])
        + '<div id="read-more"><div id="read-more-content">'
        + "".join(f"<p>{p}</p>" for p in STORY[2:])
        + "</div></div></div>"
    )
    assert lines(generic.clean_html(page(body)).text) == STORY


STEPS = [
    "Fill a small pot with damp compost and press it down gently with your fingers.",
    "Water it.",
    "Cover the pot with a clear bag and leave it on a warm windowsill for a week or two.",
    "Wait for the shoots.",
    "Once the seedlings have two leaves, move each one into a pot of its own to grow on.",
]


def test_a_step_of_one_short_sentence_is_kept_with_the_other_steps(generic: Cleaner) -> None:
    # each step repeats the body's container; a step of one short sentence holds no
    # paragraph long enough to count as prose on its own (one after the last step is
    # not a step)
    intro = (
        "Growing your own seedlings takes little more than a pot, some compost and patience,"
        " and the young plants are ready for the garden by late spring."
    )
    steps = "".join(
        f'<div class="step"><div class="content"><span class="head">Step {i}</span>'
        f"<p>{s}</p></div></div>"
        for i, s in enumerate(STEPS, 1)
    )
    reading = "".join(
        f'<li><a href="/h{i}"><p>How to sow seeds in a cold frame, part {i}</p></a></li>'
        for i in range(6)
    )
    body = (
        '<nav><a href="/">Home</a></nav><main><h1>How to grow seedlings</h1>'
        f'<div class="step"><div class="content lead"><p>{intro}</p></div></div>'
        f'<div class="reading"><h3>Other people are reading</h3><ul>{reading}</ul></div>'
        f'{steps}<div class="content"><p>Prices were checked in May.</p></div>'
        "</main>"
    )
    result = generic.clean_html(page(body))
    assert [line for line in lines(result.text) if not line.startswith("Step ")] == [intro, *STEPS]
    assert "div.content.lead" in result.root


BLOG = [
    "今天一早出门的时候天空还下着小雨",
    "我们沿着山路慢慢开到了营地的入口",
    "入口那块木头招牌已经换成了新的样子",
    "营地里的枫树已经有一半变成了红色",
    "我们把车停在营地最高的那块平地上",
    "中午雨停了以后大家一起煮面来吃",
    "下午我们去附近的吊桥走了一大圈",
    "桥下的溪水比上次来的时候多了很多",
    "回来的时候营地里又来了好几家人",
    "晚上大家围着炉子一直聊到很晚才睡",
    "第二天早上醒来终于看到了一片蓝天",
    "收好帐篷以后我们就慢慢下山回家了",
]


def test_a_blog_in_short_lines_of_chinese_is_the_article(generic: Cleaner) -> None:
    # no line is forty characters long, yet each is a clause of prose; one long line of
    # contact details must not be taken for the article (what the text rules then make of
    # a short page of short lines is theirs to say: the lines the HTML stage hands them)
    contact = (
        "营地地址在山上的小学旁边、电话请在出发前一天打、营业时间是每天早上八点到晚上九点、"
        "周末需要提前预约。"
    )
    body = (
        '<nav><a href="/">首页</a> <a href="/travel">旅游</a></nav>'
        '<div class="post"><h1>山上的营地</h1><div class="post-text">'
        + "".join(f"<p>{line}</p>" for line in BLOG)
        + f"<p>{contact}</p></div></div>"
    )
    result = generic.clean_html(page(body))
    assert lines(result.lines) == [*BLOG, contact]
    assert "post-text" in result.root


def test_a_character_of_chinese_weighs_more_than_a_latin_letter() -> None:
    assert goodness(BLOG[0], 0, "p") > 0
    assert goodness("Short English label here", 0, "p") == 0


ITEMS = [
    "The search team moved the address bar suggestions to a new engine this week.",
    "Start-up is faster on older laptops after the cache was split into two files.",
    "Printing a page with wide tables no longer cuts off the last column on the right.",
    "The settings page now explains each privacy option in a sentence of plain words.",
    "Two volunteers fixed their first bugs in the bookmarks sidebar. Welcome to both!",
    "Tabs that play sound show a small speaker that mutes them when it is clicked.",
    "The download panel keeps its list after a restart, as many readers had asked.",
    "Work on the new screenshot tool continues and should land early next month.",
]


def test_a_post_made_of_list_items_wins_over_a_long_comment(generic: Cleaner) -> None:
    # the post's prose is list items; a reader's comment is one long <p> in a thread
    items = "".join(f"<ul><li>{item}</li></ul>" for item in ITEMS)
    post = '<article class="post"><h1>This week in the browser</h1><div class="post-body">'
    post += f"<h3>What changed</h3>{items}</div></article>"
    long_comment = " ".join(STORY)
    thread = (
        '<section id="comments"><h3>2 comments</h3><ol class="comment-list">'
        f'<li class="comment"><cite>Alex</cite><div class="text"><p>{long_comment}</p></div></li>'
        '<li class="comment"><cite>Sam</cite><div class="text"><p>Thanks for the list, the'
        " printing fix is very welcome here at the office.</p></div></li></ol></section>"
    )
    result = generic.clean_html(page(f"<main>{post}{thread}</main>"))
    got = lines(result.text)
    assert [line for line in got if line in ITEMS] == ITEMS
    assert not any(line.startswith("The river board") for line in got)
    assert "post-body" in result.root


def test_one_flagged_box_inside_another_is_a_wrapper_in_a_wrapper(
    generic: Cleaner,
) -> None:
    # one flagged box inside another is a wrapper in a wrapper (a "read more" part)
    body = (
        '<div class="related-wrap"><div class="related-inner">'
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</div></div>"
        + '<div class="box"><p>The village shop is open every day from eight until six,'
        " and on Sundays from nine until one, all through the year.</p></div>"
    )
    result = generic.clean_html(page(body))
    assert lines(result.text) == STORY
    assert result.root.endswith("(paragraphs)")  # not walked whole for want of a root


def test_teaser_cards_sharing_only_layout_classes_are_not_twins_of_the_body(
    generic: Cleaner,
) -> None:
    # the page's grid puts "left relative" on everything: the teasers' excerpts below the
    # article are not more of its body for sharing those classes with its container
    grid = "".join(
        f'<div class="left relative"><p><a href="/t{i}">Topic {i}</a></p></div>' for i in range(24)
    )
    cards = "".join(
        f'<div class="card left relative"><h3><a href="/m{i}">Another story {i}</a></h3>'
        f'<div class="card-text left relative"><p>{line}</p></div></div>'
        for i, line in enumerate(ITEMS[:4])
    )
    body = (
        f'<header class="left relative">{grid}</header><main class="left relative">'
        '<h1>Weir to be repaired</h1><div class="left relative">'
        + "".join(f"<p>{p}</p>" for p in STORY)
        + f'</div><section class="more left relative">{cards}</section></main>'
    )
    got = lines(generic.clean_html(page(body)).text)
    assert got == STORY


def _junk_page() -> str:
    noscript = "".join(
        f"<p>Please turn on scripts in your browser to read this page and the {i} others.</p>"
        for i in range(6)
    )
    return page(
        f"<noscript>{noscript}</noscript>\n"
        '<script>var story = "' + "a long string of words in a script " * 20 + '";</script>\n'
        '<div id="story"><h1>Weir to be repaired</h1>\n'
        + "".join(f"<p>{p}</p>\n" for p in STORY[:5])
        + "<button><div>Share this story with your friends and family today</div></button>\n"
        + "<svg><text><tspan>Chart of the river level over the last ten years</tspan></text></svg>"
        + "".join(f"<p>{p}</p>" for p in STORY[5:])
        + "</div>\n<template><p>"
        + "A template paragraph that the page's scripts would fill in later on. " * 5
        + "</p></template>\n  "
    )


def test_junk_beside_the_story_never_reaches_the_output(generic: Cleaner) -> None:
    assert lines(generic.clean_html(_junk_page()).text) == STORY


@pytest.mark.parametrize(
    "first",
    [
        "<div>\n      {p}\n    </div>",  # loose text of a <div>, as the second
        "<div>\n      <p>{p}</p>\n    </div>",  # a <p> in a bare wrapper, indented source
    ],
    ids=["loose", "wrapped-p"],
)
def test_a_shorter_div_paragraph_beside_a_long_one_is_article(generic: Cleaner, first: str) -> None:
    # a story set as <div> text under subheadings: a long paragraph, then a shorter one
    # (under 400 characters, with no run of siblings); alone in its card such text is a
    # teaser, beside a long paragraph of the same container it is the story's
    long_para = " ".join(STORY[:5])
    short_para = " ".join(STORY[5:8])
    assert len(long_para) >= 400 > len(short_para)
    body = (
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        "<article><h1>Weir to be repaired</h1>"
        + first.format(p=long_para.replace(". ", ".\n      "))
        + f"<h2>Paying for it</h2><div>\n      {short_para}\n    </div></article>"
    )
    got = lines(generic.clean_html(page(body)).text)
    assert got == [long_para, "Paying for it", short_para]


def test_a_teaser_card_beside_a_long_div_paragraph_elsewhere_stays_out(
    generic: Cleaner,
) -> None:
    # the short text of a card is not the story's for a long paragraph in another container
    long_para = " ".join(STORY[:5])
    card = (
        '<div class="card"><h3><a href="/s1">Another story from the valley</a></h3>'
        "<div>A short summary of a story about the new bridge that opens in the spring.</div>"
        "</div>"
    )
    body = f"<article><h1>Weir to be repaired</h1><div>{long_para}</div></article>{card}"
    got = lines(generic.clean_html(page(body)).text)
    assert got == [long_para]


def test_the_points_of_a_summary_above_the_body_are_kept(generic: Cleaner) -> None:
    # "Key points" (or a live blog's summary) set as a list in a box of its own between
    # the title and the body's container: each point a sentence, some too short to weigh
    # as prose
    points = [
        "The board will repair the weir before the winter rains.",
        "The towpath closes for eleven weeks.",
        "Anglers keep the north bank on weekends.",
    ]
    body = (
        '<article><h1>Weir to be repaired</h1><div class="summary-box"><ul>'
        + "".join(f"<li>{p}</li>" for p in points)
        + '</ul></div><div class="article-text">'
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</div></article>"
        + teasers()
    )
    assert lines(generic.clean_html(page(body)).text) == [*points, *STORY]


def test_a_rating_widget_above_the_body_is_not_a_summary(generic: Cleaner) -> None:
    # a list item of prose length that does not end like a sentence is a widget's label
    body = (
        '<article><h1>Weir to be repaired</h1><ul class="star-rating">'
        "<li>Currently rated 3 out of 5 stars by our readers 12</li>"
        '<li><a href="#">Rate 1 star</a></li></ul><div class="article-text">'
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</div></article>"
    )
    out = lines(generic.clean_html(page(body)).text)
    assert out[-len(STORY) :] == STORY
    assert not any("rated" in line for line in out)


def test_the_last_paragraphs_after_a_box_in_a_container_of_their_own_are_kept(
    generic: Cleaner,
) -> None:
    # the body's last two paragraphs follow a newsletter box, in a container of another
    # name: too little prose for a sibling of the body, but nothing else is in it
    signup = (
        '<div class="newsletter-inline"><h3>Get the Gazette daily</h3>'
        "<p>Sign up for our free morning email with the top stories.</p></div>"
    )
    body = (
        "<article><h1>Weir to be repaired</h1>"
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in STORY[:8])}</div>'
        f'{signup}<div class="article-body-end">{"".join(f"<p>{p}</p>" for p in STORY[8:])}'
        "</div></article>"
    )
    assert lines(generic.clean_html(page(body)).text) == STORY


def test_teaser_cards_right_after_the_body_are_not_its_last_paragraphs(
    generic: Cleaner,
) -> None:
    cards = "".join(
        f'<div class="card"><h3><a href="/s{i}">Story number {i} from the valley</a></h3>'
        f"<p>A short summary of another story that has nothing to do with the weir {i}.</p>"
        "</div>"
        for i in range(2)
    )
    body = (
        "<article><h1>Weir to be repaired</h1>"
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in STORY)}</div>'
        f'<div class="query-loop">{cards}</div></article>'
    )
    assert lines(generic.clean_html(page(body)).text) == STORY
