package main

import (
	"context"
	"log"
	"os"

	"cloud.google.com/go/pubsub"
	"cloud.google.com/go/storage"
)

func main() {
	ctx := context.Background()
	bucket := os.Getenv("GCS_BUCKET")
	sc, err := storage.NewClient(ctx)
	if err != nil {
		log.Fatal(err)
	}
	ps, _ := pubsub.NewClient(ctx, os.Getenv("GOOGLE_CLOUD_PROJECT"))
	sub := ps.Subscription(os.Getenv("PUBSUB_SUBSCRIPTION"))
	_ = sub.Receive(ctx, func(ctx context.Context, m *pubsub.Message) { _ = sc.Bucket(bucket); m.Ack() })
}
