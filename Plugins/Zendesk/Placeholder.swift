// The Zendesk integration (being written).
