// The Salesforce integration (being written).
