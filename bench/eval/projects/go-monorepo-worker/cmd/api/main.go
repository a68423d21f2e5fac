package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	addr := ":" + os.Getenv("PORT")
	http.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {})
	log.Fatal(http.ListenAndServe(addr, nil))
}
