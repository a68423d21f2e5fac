import os

import stripe
from flask import Flask

stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
app = Flask(__name__)
