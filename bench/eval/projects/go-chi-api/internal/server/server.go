package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/example/links/internal/store"
)

func New(st *store.Store) http.Handler {
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	return r
}
