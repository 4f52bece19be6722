"""The public page in the browser: the commander previews and publishes, the public reads it
without a login or a cookie, at 1366 px and 320 px, with headings, labels and captions in order."""

import pytest

from tests.publishing_helpers import quarters_back, signed_off, southwark_plan

pytestmark = pytest.mark.browser

A11Y_FACTS = """() => {
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const skips = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1).length;
  const all = selector => [...document.querySelectorAll(selector)];
  const unlabelled = all('input,textarea,select').filter(
      el => el.type !== 'hidden' && !(el.labels && el.labels.length)
            && !el.getAttribute('aria-label')).length;
  const tablesWithoutHeaders = all('table').filter(t => !t.querySelector('th')).length;
  const svgsWithoutTitle = all('svg[role=img]').filter(s => !s.querySelector('title')).length;
  const emptyLinks = [...document.querySelectorAll('a')].filter(a => !a.textContent.trim()).length;
  return {h1: levels.filter(l => l === 1).length, skips, unlabelled, tablesWithoutHeaders, svgsWithoutTitle,
          emptyLinks, lang: document.documentElement.lang,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


def check_page(page):
    facts = page.evaluate(A11Y_FACTS)
    assert facts == {
        **facts,
        "h1": 1,
        "skips": 0,
        "unlabelled": 0,
        "tablesWithoutHeaders": 0,
        "svgsWithoutTitle": 0,
        "emptyLinks": 0,
        "lang": "en-GB",
    }, facts
    return facts


def test_commander_previews_publishes_and_the_public_reads_it(page, login, live_server, artifacts):
    page.set_default_timeout(60000)  # a shared machine under load
    ret = signed_off(southwark_plan(), quarters_back(1))
    first_line = ret.lines.order_by("pk").first()

    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/returns/{ret.pk}/public-notes/")
    check_page(page)
    page.get_by_label(f"Public progress note on: {first_line.text[:40]}").fill(
        "Six sessions held this quarter."
    )
    page.get_by_role("button", name="Save public notes").click()
    assert page.get_by_text("1 public note saved.").is_visible()

    login(page, "southwark.commander")
    page.goto(f"{live_server.url}/returns/{ret.pk}/")
    page.get_by_role("link", name="Public page: preview, publish or unpublish").click()
    assert page.get_by_role("heading", name="Preview: exactly what the public will see").is_visible()
    assert page.get_by_text("Six sessions held this quarter.").is_visible()
    page.get_by_role("button", name=f"Publish the {ret.label} return").click()
    assert page.get_by_text("Tick the box").is_visible()  # the preview must be confirmed
    page.get_by_label("I have checked the preview").check()
    page.get_by_role("button", name=f"Publish the {ret.label} return").click()
    assert page.get_by_text("is published on the public page").is_visible()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/")
    page.get_by_role("link", name="Southwark").click()
    assert page.get_by_role("heading", name="Southwark: trust and confidence plan").is_visible()
    assert page.get_by_text("Six sessions held this quarter.").is_visible()
    assert page.context.cookies() == []
    check_page(page)
    page.screenshot(path=str(artifacts / "public-borough-1366.png"), full_page=False)
    page.set_viewport_size({"width": 320, "height": 800})
    facts = check_page(page)
    assert facts["overflow"] <= 0, "the public page scrolls sideways at 320 px"
    page.screenshot(path=str(artifacts / "public-borough-320.png"), full_page=False)

    login(page, "southwark.commander")
    page.goto(f"{live_server.url}/returns/{ret.pk}/publish/")
    page.get_by_role("button", name="Unpublish: remove it from the public page").click()
    assert page.get_by_text("is no longer on the public page").is_visible()
    # a reader who had not cached the page (browsers and shared caches keep it PUBLIC_CACHE_SECONDS)
    fresh = page.context.browser.new_context()
    assert fresh.new_page().goto(f"{live_server.url}/public/southwark/").status == 404
    fresh.close()
