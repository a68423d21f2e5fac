package main

import (
	"log"
	"net/http"
	"os"

	"github.com/example/links/internal/server"
	"github.com/example/links/internal/store"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	st, err := store.Open()
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(":"+port, server.New(st)))
}
