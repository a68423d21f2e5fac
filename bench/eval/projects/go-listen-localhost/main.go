package main

import (
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("/ingest", func(w http.ResponseWriter, r *http.Request) {})
	log.Fatal(http.ListenAndServe("localhost:8080", nil))
}
