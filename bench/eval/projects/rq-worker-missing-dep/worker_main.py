from thumbs import jobs  # noqa: F401 - rq imports jobs by dotted name
