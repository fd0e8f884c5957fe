// Command bare is the yardstick of the mock's throughput: a bare net/http
// server that reads each request's body and answers 202 Accepted, nothing
// more. tools/wrk-compare.sh loads it and `nems-harness serve` alike, each in
// its own process, and reports the ratio.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nems-harness/nems-harness/internal/loadtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4856", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: *addr, Handler: loadtest.BareHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(os.Stderr, "bare: listening on %s (reads the body, answers 202)\n", *addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "bare: %v\n", err)
		os.Exit(1)
	}
}
