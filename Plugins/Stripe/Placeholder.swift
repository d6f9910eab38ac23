// The Stripe integration (being written).
