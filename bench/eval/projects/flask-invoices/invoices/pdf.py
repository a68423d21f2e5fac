import os

import jwt
import magic
from bs4 import BeautifulSoup
from Crypto.Hash import SHA256
from dateutil import parser
from fpdf import FPDF
from PIL import Image


def render(n: int):
    jwt.decode("", os.environ["JWT_SECRET"], algorithms=["HS256"])
    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())
