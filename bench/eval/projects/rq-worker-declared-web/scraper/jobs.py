import requests
from bs4 import BeautifulSoup


def scrape(url):
    return BeautifulSoup(requests.get(url, timeout=10).text, "html.parser").title
