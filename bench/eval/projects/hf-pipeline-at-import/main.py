from fastapi import FastAPI
from transformers import pipeline

classifier = pipeline("sentiment-analysis", model="distilbert-base-uncased-finetuned-sst-2-english")
app = FastAPI()


@app.post("/classify")
def classify(text: str):
    return classifier(text)[0]
