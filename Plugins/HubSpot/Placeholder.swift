// The HubSpot integration (being written).
