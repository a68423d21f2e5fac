import os

import requests
from flask import Flask, request
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

app = Flask(__name__)
llm = ChatOpenAI(api_key=os.environ["OPENAI_API_KEY"], model="gpt-4o-mini")


class Ask(BaseModel):
    question: str


@app.post("/ask")
def ask():
    q = Ask(**request.json)
    return {"answer": llm.invoke(q.question).content}
