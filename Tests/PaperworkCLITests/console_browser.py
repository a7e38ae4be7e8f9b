"""Drives the reviewer console in a real headless Chromium (Debian's chromium and
chromium-driver, through selenium): sign in, claim, look at a page image, approve, and
see the company verified. Usage: console_browser.py BASE_URL REVIEWER_TOKEN LEGAL_NAME"""
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

base, token, legal_name = sys.argv[1:4]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)


def gone(element):
    """True once `element` has left the page. Chromium sometimes reports a node of the old
    document as an inspector error rather than as stale, so any error counts as gone."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def submit(button_id):
    """Clicks a form's button and waits until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, 60).until(lambda _: gone(page))


try:
    driver.get(base + "/console/queue")
    assert driver.current_url.endswith("/console/sign-in"), "signed-out visitors go to sign-in: " + driver.current_url
    driver.find_element(By.ID, "token").send_keys(token)
    submit("sign-in")
    assert driver.current_url.endswith("/console/queue"), "after sign-in: " + driver.current_url
    assert legal_name in driver.find_element(By.CSS_SELECTOR, "table.queue").text, "the queue lists the company"

    submit("claim-next")
    assert "/console/certificates/" in driver.current_url, "after claiming: " + driver.current_url
    image = driver.find_element(By.CSS_SELECTOR, "img.preview")
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    width = driver.execute_script("return arguments[0].naturalWidth", image)
    text = driver.find_element(By.CSS_SELECTOR, "div.text pre").text
    assert "NORTHWIND CONNECT LIMITED" in text, "the extracted text is beside the image"

    Select(driver.find_element(By.ID, "outcome")).select_by_value("approve")
    Select(driver.find_element(By.ID, "reason_code")).select_by_value("document_matches")
    driver.find_element(By.ID, "internal_note").send_keys("checked in the browser test")
    submit("decide")
    errors = driver.find_elements(By.CSS_SELECTOR, "p.error")
    assert not errors, "the decision was refused: " + (errors[0].text if errors else "")
    status = driver.find_element(By.ID, "company-status").text
    assert status == "verified", "company status after approval: " + status
    print(f"console ok: page image {width} px wide, company {status}")
finally:
    driver.quit()
