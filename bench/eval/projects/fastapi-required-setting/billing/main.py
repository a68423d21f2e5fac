import stripe
from fastapi import FastAPI

from billing.config import settings

stripe.api_key = settings.stripe_secret_key
app = FastAPI()
