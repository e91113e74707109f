package main

import (
	"embed"
	"net/http"
)

// dashboardFiles are the dashboard's page, script and style: plain HTML,
// CSS and JavaScript, no build step, nothing fetched from elsewhere.
//
//go:embed dashboard
var dashboardFiles embed.FS

// dashboard serves the dashboard at / and its files under /dashboard/.
func (em *emulator) dashboard(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, dashboardFiles, "dashboard/index.html")
	})
	mux.Handle("GET /dashboard/", http.FileServerFS(dashboardFiles))
}
