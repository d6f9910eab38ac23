// The Twilio integration (being written).
