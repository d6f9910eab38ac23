/// Payloads shaped like the examples in each provider's documentation.
enum Samples {
    static let stripeEvent = """
        {"id":"evt_3MtwBwLkdIwHu7ix28a3tqPa","object":"event","api_version":"2022-11-15","created":1680064028,\
        "data":{"object":{"id":"pi_3MtwBwLkdIwHu7ix28a3tqPa","object":"payment_intent","amount":2000,"currency":"usd",\
        "status":"succeeded","metadata":{"cid":"EXT-1"}}},"livemode":false,"pending_webhooks":1,\
        "request":{"id":null,"idempotency_key":null},"type":"payment_intent.succeeded"}
        """

    static let hubSpotBatch = """
        [{"objectId":1246965,"propertyName":"polyai_cid","propertyValue":"EXT-1","changeSource":"CRM","eventId":3816279340,\
        "subscriptionId":25,"portalId":62515,"appId":1160452,"occurredAt":1564113600000,"subscriptionType":"contact.propertyChange",\
        "attemptNumber":0},{"objectId":1246978,"changeSource":"CRM","eventId":3816279480,"subscriptionId":22,"portalId":62515,\
        "appId":1160452,"occurredAt":1564113600001,"subscriptionType":"contact.creation","attemptNumber":0}]
        """

    static let twilioSMS = """
        ToCountry=US&ToState=CA&SmsMessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&NumMedia=0&ToCity=&FromZip=&\
        SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&FromState=CA&SmsStatus=received&FromCity=&Body=Thanks%21+REF-AB12CD&\
        FromCountry=US&To=%2B15558675310&ToZip=&NumSegments=1&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&\
        AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&From=%2B15017122661&ApiVersion=2010-04-01
        """

    static let twilioStatus = """
        MessageStatus=delivered&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&\
        From=%2B15017122661&To=%2B15558675310&ApiVersion=2010-04-01&SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&SmsStatus=delivered
        """

    static let zendeskEvent = """
        {"type":"zen:event-type:user.external_id_changed","account_id":12514403,"id":"2b24ef10-19d4-4740-93cf-8f98ec4776c0",\
        "time":"2024-05-01T12:00:00Z","zendesk_event_version":"2022-11-06","subject":"zen:user:6596848315901",\
        "detail":{"id":"6596848315901","external_id":"EXT-1","email":"jane@example.com","role":"end-user"},\
        "event":{"current":"EXT-1","previous":null}}
        """

    static let bookingXML = """
        <?xml version="1.0" encoding="UTF-8"?><booking id="b-1"><cid>EXT-1</cid><status>confirmed</status>\
        <guest><name>Jane &amp; John</name></guest></booking>
        """

    static func salesforce(org: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <soapenv:Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>\(org)</OrganizationId>
           <ActionId>04k5g000000ABCDAAA</ActionId>
           <SessionId xsi:nil="true"/>
           <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/58.0/00D5g000004ABCD</EnterpriseUrl>
           <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/58.0/00D5g000004ABCD</PartnerUrl>
           <Notification>
            <Id>04l5g00000ABCD0AAA</Id>
            <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
             <sf:Id>0065g00000XYZ0AAA</sf:Id>
             <sf:StageName>Closed Won</sf:StageName>
             <sf:PolyAI_CID__c>EXT-1</sf:PolyAI_CID__c>
            </sObject>
           </Notification>
          </notifications>
         </soapenv:Body>
        </soapenv:Envelope>
        """
    }
}
