"""Drives the customer portal in a real headless Chromium (Debian's chromium and
chromium-driver, through selenium), in French: the home page, sign-up with a refused and an
accepted address, the link from the .eml file, a refused and an accepted password with a
profile photo, the profile, sign-out, a wrong and a right sign-in, a hostile name shown as
text, the company, a refused and an accepted certificate, a reviewer approving it in the
console, the verified page and e-mail, an invitation accepted by a second person who orders a
port, its signed LOA downloaded and checked with pdfsig, and a form posted without its CSRF
token. Saves a screenshot of each page at 1280 and 390 px wide.
Usage: portal_browser.py BASE_URL OUTBOX_DIR SCREENSHOT_DIR SAMPLES_DIR"""
import email
import email.header
import subprocess
import glob
import os
import re
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, outbox, shots, samples = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900", "--lang=fr-FR"]:
    options.add_argument(argument)
downloads = os.path.join(shots, "downloads")
os.makedirs(downloads, exist_ok=True)
options.add_experimental_option("prefs", {
    "intl.accept_languages": "fr-FR,fr", "download.default_directory": downloads, "download.prompt_for_download": False,
})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(60)
counter = [0]


def shoot(name):
    """A screenshot of the whole page at desktop and phone widths."""
    counter[0] += 1
    for width in (1280, 390):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, max(height, 600))
        driver.save_screenshot(os.path.join(shots, f"{counter[0]:02d}-{name}-{width}.png"))
    driver.set_window_size(1280, 900)


def gone(element):
    """True once `element` is no longer in the page: the next page has replaced this one.
    Chromium sometimes reports a node of the old document as an inspector error rather than
    as stale, so any error counts as gone."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def replaced(page):
    """Waits until the next page has replaced the one whose <html> is `page`."""
    WebDriverWait(driver, 60).until(lambda _: gone(page))


def submit(button_text=None):
    """Submits the page's main form and waits until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    replaced(page)


def downloaded(suffix, seconds=60):
    """The first file with `suffix` that Chromium finished downloading."""
    for _ in range(seconds * 10):
        done = [name for name in os.listdir(downloads) if name.endswith(suffix)]
        if done:
            return os.path.join(downloads, done[0])
        time.sleep(0.1)
    raise AssertionError("nothing was downloaded: " + ", ".join(os.listdir(downloads)))


def mail_to(address, kind_pattern):
    """The newest .eml to `address` whose subject matches `kind_pattern`."""
    for _ in range(100):
        for path in sorted(glob.glob(os.path.join(outbox, "*.eml")), key=os.path.getmtime, reverse=True):
            message = email.message_from_binary_file(open(path, "rb"))
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            if address in message["To"] and re.search(kind_pattern, subject):
                return subject, message.get_payload(decode=True).decode("utf-8")
        time.sleep(0.1)
    raise AssertionError(f"no e-mail to {address} matching {kind_pattern}")


def heading():
    return driver.find_element(By.TAG_NAME, "h1").text


def latest_link(address):
    """The sign-up link of the newest .eml addressed to `address` (delivery runs every second)."""
    for _ in range(100):
        for path in sorted(glob.glob(os.path.join(outbox, "*.eml")), key=os.path.getmtime, reverse=True):
            message = email.message_from_binary_file(open(path, "rb"))
            if address in message["To"]:
                body = message.get_payload(decode=True).decode("utf-8")
                found = re.search(r"https?://\S+/signup/complete\?token=[A-Za-z0-9_-]+", body)
                if found:
                    return found.group(0)
        time.sleep(0.1)
    raise AssertionError("no sign-up e-mail for " + address)


try:
    driver.get(base + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr", "Accept-Language chooses French"
    assert "72 heures" in driver.page_source, "the home page says how long verification takes"
    shoot("accueil")

    driver.find_element(By.LINK_TEXT, "Créer un compte").click()
    assert heading() == "Créez votre compte", heading()
    shoot("inscription")
    driver.find_element(By.ID, "email").send_keys("pas-une-adresse")
    submit()
    error = driver.find_element(By.ID, "email-error").text
    assert "adresse e-mail" in error, error
    assert driver.find_element(By.ID, "email").get_attribute("value") == "pas-une-adresse", "what was typed is kept"
    assert driver.find_element(By.ID, "email").get_attribute("aria-describedby") == "email-error", "the error is tied to its field"
    shoot("inscription-erreur")

    address = f"ada.{int(time.time() * 1000)}@example.com"
    field = driver.find_element(By.ID, "email")
    field.clear()
    field.send_keys(address)
    submit()
    assert heading() == "Consultez votre messagerie", heading()
    assert address in driver.page_source
    shoot("messagerie")

    link = latest_link(address)
    driver.get(link)
    assert heading() == "Finalisez votre inscription", heading()
    assert "12 caractères" in driver.find_element(By.ID, "password-rules").text, "the password rules are shown before typing"
    shoot("finaliser")
    driver.find_element(By.ID, "password").send_keys("court")
    hostile = "<script>alert('pwned')</script> Ada"
    driver.find_element(By.ID, "full_name").send_keys(hostile)
    driver.find_element(By.ID, "job_title").send_keys("Architecte réseau")
    submit()
    assert "12 caractères" in driver.find_element(By.ID, "password-error").text
    assert driver.find_element(By.ID, "full_name").get_attribute("value") == hostile, "the name typed is kept"
    shoot("finaliser-erreur")
    driver.find_element(By.ID, "password").send_keys("cheval correct agrafe batterie")
    driver.find_element(By.ID, "photo").send_keys(os.path.join(samples, "scan-certificate.jpg"))
    submit()
    assert driver.current_url.endswith("/account"), driver.current_url
    assert hostile in heading(), "a hostile name shows as text: " + heading()
    assert "<script>alert" not in driver.page_source, "and is escaped in the HTML"
    assert "Connecté en tant que" in driver.page_source
    shoot("compte")

    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    WebDriverWait(driver, 60).until(lambda d: d.current_url.rstrip("/") == base)
    driver.get(base + "/signin")
    driver.find_element(By.ID, "email").send_keys(address)
    driver.find_element(By.ID, "password").send_keys("mauvais mot de passe")
    submit()
    assert "incorrect" in driver.find_element(By.CSS_SELECTOR, "div.alert").text
    assert driver.find_element(By.ID, "email").get_attribute("value") == address
    shoot("connexion-erreur")
    driver.find_element(By.ID, "password").send_keys("cheval correct agrafe batterie")
    submit()
    assert driver.current_url.endswith("/account"), driver.current_url

    # The profile shows the photo sent at sign-up, and keeps a changed title.
    driver.find_element(By.LINK_TEXT, "Paramètres").click()
    assert heading() == "Votre profil", heading()
    avatar = driver.find_element(By.CSS_SELECTOR, "img.avatar")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", avatar))
    title = driver.find_element(By.ID, "job_title")
    title.clear()
    title.send_keys("Responsable réseau")
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "form[action='/settings/profile'] button[type=submit]").click()
    replaced(page)
    assert driver.find_element(By.ID, "job_title").get_attribute("value") == "Responsable réseau"
    shoot("profil")
    driver.get(base + "/account")

    # Register the company: a refused form keeps what was typed; countries are named in French.
    driver.find_element(By.LINK_TEXT, "Enregistrer une entreprise").click()
    assert heading() == "Enregistrez votre entreprise", heading()
    assert driver.find_element(By.CSS_SELECTOR, "#country option[value=DE]").text == "Allemagne", "country names in the reader's language"
    assert "Enterprise" in driver.find_element(By.ID, "type-hint").text and "En cas de doute" in driver.find_element(By.ID, "type-hint").text
    shoot("entreprise")
    driver.find_element(By.ID, "legal_name").send_keys("Société des Réseaux du Léman SAS")
    driver.find_element(By.ID, "registration_number").send_keys("912 345 675")
    submit()
    assert "pays" in driver.find_element(By.ID, "country-error").text, "a missing country is explained beside its field"
    assert driver.find_element(By.ID, "legal_name").get_attribute("value") == "Société des Réseaux du Léman SAS"
    shoot("entreprise-erreur")
    Select(driver.find_element(By.ID, "country")).select_by_value("FR")
    submit()
    assert "/companies/" in driver.current_url, driver.current_url
    company_url = driver.current_url
    assert heading() == "Société des Réseaux du Léman SAS", heading()
    assert "Pas encore vérifiée" in driver.page_source
    shoot("entreprise-statut")

    # The certificate: a refused file is explained in a sentence saying what to do.
    driver.find_element(By.LINK_TEXT, "Déposer le justificatif").click()
    assert heading() == "Justificatif d’immatriculation", heading()
    assert "Infogreffe" in driver.page_source, "where to get a copy"
    shoot("justificatif")
    driver.find_element(By.ID, "file").send_keys(os.path.join(samples, "bad", "password-protected.pdf"))
    submit()
    refusal = driver.find_element(By.CSS_SELECTOR, "div.alert").text
    assert "sans mot de passe" in refusal, refusal
    shoot("justificatif-refuse")
    driver.find_element(By.ID, "file").send_keys(os.path.join(samples, "fr-extrait-kbis.pdf"))
    submit()
    assert driver.current_url == company_url, driver.current_url
    timeline = driver.find_element(By.CSS_SELECTOR, "ol.timeline").text
    assert "Déposé" in timeline and "En cours de vérification" in timeline, timeline
    assert "Nous prévoyons de décider d’ici le" in driver.page_source, "the expected decision time is shown"
    shoot("verification")

    # Another company's id (or an unknown one) answers the same not-found page.
    driver.get(base + "/companies/00000000-0000-0000-0000-000000000000")
    assert "n’existe pas" in driver.page_source
    driver.get(base + "/account")
    companies = driver.find_element(By.CSS_SELECTOR, "ul.companies").text
    assert "Société des Réseaux du Léman SAS" in companies and "France" in companies and "En cours de vérification" in companies, companies
    shoot("compte-entreprise")

    # A reviewer approves the certificate in the console, in the same browser (the console has
    # a cookie of its own), with the demo reviewer token the server wrote at its first start.
    credentials = open(os.path.join(os.path.dirname(outbox), "demo-credentials.txt")).read()
    reviewer = re.search(r"reviewer token:\s+(pw_\S+)", credentials).group(1)
    driver.get(base + "/console/sign-in")
    driver.find_element(By.ID, "token").send_keys(reviewer)
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "sign-in").click()
    replaced(page)
    assert "Société des Réseaux du Léman SAS" in driver.find_element(By.CSS_SELECTOR, "table.queue").text
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "claim-next").click()
    replaced(page)
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, "Approve").click()
    replaced(page)
    if driver.find_elements(By.ID, "confirm"):
        driver.find_element(By.ID, "confirm").click()
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "decide-submit").click()
    replaced(page)
    assert driver.find_element(By.ID, "company-status").get_attribute("data-code") == "verified"

    # The customer sees it verified, and is told by e-mail.
    driver.get(company_url)
    assert "Votre entreprise est vérifiée" in driver.page_source
    assert "Vérifiée" in driver.find_element(By.CSS_SELECTOR, "ol.timeline").text
    shoot("verifiee")
    subject, body = mail_to(address, "Société des Réseaux du Léman SAS")
    assert "vérifiée" in subject, subject
    assert company_url[len(base):] in body, "the e-mail links to the company's page: " + body

    # Once decided, the declared data is read-only on the company's details page.
    driver.find_element(By.LINK_TEXT, "Informations").click()
    assert heading() == "Informations de l’entreprise", heading()
    assert driver.find_element(By.ID, "legal_name").get_attribute("readonly") is not None
    assert "ne peuvent pas changer" in driver.find_element(By.ID, "locked-notice").text
    shoot("informations")

    # The admin invites a network engineer, who orders the port.
    driver.get(company_url + "/members")
    assert heading() == "Membres et permissions", heading()
    engineer = f"grace.{int(time.time() * 1000)}@example.com"
    driver.find_element(By.ID, "invite-email").send_keys(engineer)
    driver.find_element(By.CSS_SELECTOR, "input[name=role][value=technical]").click()
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/invitations'] button[type=submit]").click()
    replaced(page)
    assert engineer in driver.find_element(By.CSS_SELECTOR, "main").text, "the invitation is pending"
    shoot("membres")
    subject, body = mail_to(engineer, "vous invite")
    assert "Société des Réseaux du Léman SAS" in subject, subject
    invitation = re.search(r"https?://\S+/invitations/accept\?token=[A-Za-z0-9_-]+", body).group(0)

    # The engineer, in a browser of their own (no cookie of the admin's), accepts.
    driver.delete_all_cookies()
    driver.get(invitation)
    assert "Société des Réseaux du Léman SAS" in driver.page_source and "Technique" in driver.page_source
    shoot("invitation")
    driver.find_element(By.ID, "password").send_keys("fibre optique monomode sc")
    driver.find_element(By.ID, "full_name").send_keys("Grace Ingénieure")
    submit()
    assert driver.current_url == company_url, driver.current_url
    assert "Grace Ingénieure" in driver.page_source, "signed in as the engineer"

    # A port in London, ordered from the catalog.
    driver.find_element(By.LINK_TEXT, "Trouver un datacenter").click()
    assert heading() == "Trouver un datacenter", heading()
    Select(driver.find_element(By.ID, "country")).select_by_value("GB")
    submit()
    assert "Royaume-Uni" in driver.find_element(By.CSS_SELECTOR, "ul.results").text
    shoot("datacenters")
    driver.find_element(By.PARTIAL_LINK_TEXT, "Example London Harbourside").click()
    assert "Fibre monomode, SC" in driver.find_element(By.CSS_SELECTOR, "ul.offers").text, "what the panels offer"
    driver.find_element(By.CSS_SELECTOR, "input[name=speed][value='100G']").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=connector][value=SC]").click()
    shoot("datacenter")
    submit()
    assert "/ports/" in driver.current_url, driver.current_url
    assert "En attente de la jarretière" in driver.page_source
    assert "MMR-A-02" in driver.page_source, "the panel with SC connectors"
    shoot("port")

    # Its LOA, downloaded by the browser and checked with pdfsig: signed, and in French.
    Select(driver.find_element(By.ID, "loa-language")).select_by_value("fr")
    driver.find_element(By.CSS_SELECTOR, "form.loa-options button[type=submit]").click()
    letter = downloaded(".pdf")
    signature = subprocess.run(["pdfsig", letter], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in signature, signature
    text = subprocess.run(["pdftotext", letter, "-"], capture_output=True, text=True).stdout
    assert "Société des Réseaux du Léman SAS" in text and "MMR-A-02" in text, text[:500]
    assert "Lettre d" in text, "the letter is in French"

    # English on request, remembered by a cookie.
    driver.get(base + "/account")
    driver.find_element(By.CSS_SELECTOR, "a.lang[hreflang=en]").click()
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert "Welcome" in heading(), heading()
    shoot("account-en")

    # A form posted without its CSRF token is refused and changes nothing.
    request = urllib.request.Request(base + "/signup", data=b"email=victim%40example.com", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("a form without its CSRF token was accepted")
    except urllib.error.HTTPError as refused:
        assert refused.code == 403, refused.code
    print(f"portal ok: {counter[0]} pages, screenshots in {shots}")
finally:
    driver.quit()
