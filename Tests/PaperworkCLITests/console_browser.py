"""Drives the reviewer console in a real headless Chromium (Debian's chromium and
chromium-driver, through selenium): sign in, filter the queue by a search, open an item
without claiming it, zoom a page, claim it from its page, choose Approve and its reason, be
stopped by the guard (the declared name is not on the document) with what was typed kept,
confirm, see the company verified, then find the decision in the history, open the company's
file and the dashboard. Saves a screenshot of each page in SCREENSHOT_DIR.
Usage: console_browser.py BASE_URL REVIEWER_TOKEN LEGAL_NAME SCREENSHOT_DIR"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

base, token, legal_name, shots = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)
counter = [0]


def gone(element):
    """True once `element` has left the page. Chromium sometimes reports a node of the old
    document as an inspector error rather than as stale, so any error counts as gone."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def click(by, value):
    """Clicks a link or button and waits until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, value).click()
    WebDriverWait(driver, 60).until(lambda _: gone(page))


def shoot(name):
    """A screenshot of the whole page at 1400 px wide."""
    counter[0] += 1
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, max(height, 800))
    driver.save_screenshot(os.path.join(shots, f"{counter[0]:02d}-{name}.png"))
    driver.set_window_size(1400, 1000)


try:
    driver.get(base + "/console/queue")
    assert driver.current_url.endswith("/console/sign-in"), "signed-out visitors go to sign-in: " + driver.current_url
    driver.find_element(By.ID, "token").send_keys(token)
    click(By.ID, "sign-in")
    assert driver.current_url.endswith("/console/queue"), "after sign-in: " + driver.current_url
    assert legal_name in driver.find_element(By.CSS_SELECTOR, "table.queue").text, "the queue lists the company"
    shoot("queue")

    # A search that matches nothing, then one that matches.
    driver.find_element(By.ID, "q").send_keys("no such company")
    click(By.ID, "apply-filters")
    assert "No item matches." in driver.find_element(By.CSS_SELECTOR, "table.queue").text
    field = driver.find_element(By.ID, "q")
    field.clear()
    field.send_keys(legal_name.split()[0].lower())
    click(By.ID, "apply-filters")
    assert legal_name in driver.find_element(By.CSS_SELECTOR, "table.queue").text, "the search finds the company"
    shoot("queue-filtered")

    # Opened without claiming: readable, nothing to decide yet.
    click(By.LINK_TEXT, legal_name)
    assert "/console/certificates/" in driver.current_url, driver.current_url
    assert "Not claimed" in driver.page_source
    assert not driver.find_elements(By.ID, "decide"), "no decision form before claiming"
    image = driver.find_element(By.CSS_SELECTOR, "img.preview")
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    width = driver.execute_script("return arguments[0].naturalWidth", image)
    text = driver.find_element(By.CSS_SELECTOR, "div.text pre").text
    assert "NORTHWIND CONNECT LIMITED" in text, "the extracted text is beside the image"
    thumbs = driver.find_elements(By.CSS_SELECTOR, "nav.viewer img.thumb")
    assert thumbs, "page thumbnails beside the zoom"
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", thumbs[0]))
    click(By.LINK_TEXT, "200 %")
    shown = driver.execute_script("return document.querySelector('img.preview').getBoundingClientRect().width")
    column = driver.execute_script("return document.querySelector('article.page figure').getBoundingClientRect().width")
    assert shown > column * 1.5, f"zoomed to 200 %: {shown} px in a {column} px column"
    shoot("certificate-unclaimed")

    click(By.ID, "claim-this")
    # The keyboard: "?" opens the shortcuts' list, "a" chooses Approve.
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys("?")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "keys-help").get_attribute("open") is not None)
    page = driver.find_element(By.TAG_NAME, "html")
    body.send_keys("a")
    WebDriverWait(driver, 60).until(lambda _: gone(page))
    assert "outcome=approve" in driver.current_url, "the a key chose Approve: " + driver.current_url
    reasons = driver.find_element(By.CSS_SELECTOR, "ul.reasons").text
    assert "matches" in reasons and "not match" not in reasons, "only the approval reasons: " + reasons
    assert driver.find_element(By.ID, "guard"), "the guard lists what intake could not back"
    driver.find_element(By.ID, "internal_note").send_keys("checked in the browser test")
    click(By.ID, "decide-submit")
    assert "Tick the box" in driver.find_element(By.ID, "confirm-error").text
    assert driver.find_element(By.ID, "internal_note").get_attribute("value") == "checked in the browser test", "what was typed is kept"
    shoot("decide-guarded")
    driver.find_element(By.ID, "confirm").click()
    click(By.ID, "decide-submit")
    errors = driver.find_elements(By.CSS_SELECTOR, "p.error")
    assert not errors, "the decision was refused: " + (errors[0].text if errors else "")
    status = driver.find_element(By.ID, "company-status").get_attribute("data-code")
    assert status == "verified", "company status after approval: " + status
    shoot("decided")

    # Found again later: the history, the company's file, the dashboard.
    click(By.LINK_TEXT, "History")
    driver.find_element(By.ID, "q").send_keys(legal_name.split()[0])
    click(By.ID, "search-history")
    assert legal_name in driver.find_element(By.CSS_SELECTOR, "table.history").text, "the decision is in the history"
    shoot("history")
    click(By.LINK_TEXT, legal_name)
    assert "checked in the browser test" in driver.page_source, "the company's file has the decision and its note"
    assert "Audit trail" in driver.page_source
    shoot("company-file")
    click(By.LINK_TEXT, "Dashboard")
    assert driver.find_element(By.ID, "sla-share").text.endswith("%")
    shoot("dashboard")
    print(f"console ok: page image {width} px wide, company {status}, screenshots in {shots}")
finally:
    driver.quit()
