import LedgerCore
import Testing

@Suite struct ObserveKindTests {
    @Test func observeKeepsOptionalFieldsAndCommitsQuantity() throws {
        let content = try EventContent(record: [
            "record_id": "urn:uuid:1", "event": "observe", "occurred_at": "2020-06-07T19:10:16+02:00",
            "epcis_type": "AggregationEvent", "biz_step": "urn:epcglobal:cbv:bizstep:packing", "action": "ADD",
            "epcs": ["urn:epc:id:sgtin:0614141.107346.2017"], "parent_id": "urn:epc:id:sscc:0614141.1234567890",
            "quantity": "200.50", "unit": "KGM", "destination": "urn:epc:id:sgln:0614141.00888.0",
            "extensions": ["{urn:x}k": "v"],
        ])
        #expect(content.kind == .observe)
        #expect(content.sensitiveFields["quantity"] == "200.5")
        #expect(content.sensitiveFields["destination"] != nil)
        #expect(content.publicFields["epcs"] == ["urn:epc:id:sgtin:0614141.107346.2017"])
        #expect(content.product == nil)
        let minimal = try EventContent(record: [
            "record_id": "r", "event": "observe", "occurred_at": "2020-06-07T17:10:16Z",
            "epcis_type": "TransactionEvent",
        ])
        #expect(minimal.publicFields == ["epcis_type": "TransactionEvent"])
    }

    @Test func observeRules() {
        #expect {
            try EventContent(record: ["record_id": "r", "event": "observe", "occurred_at": "2020-06-07T17:10:16Z"])
        } throws: { error in
            (error as? LedgerError)?.reason.contains("epcis_type") == true
        }
        #expect {
            try EventContent(record: [
                "record_id": "r", "event": "observe", "occurred_at": "2020-06-07T17:10:16Z",
                "epcis_type": "ObjectEvent", "quantity": "3",
            ])
        } throws: { error in
            (error as? LedgerError)?.reason.contains("quantity and unit go together") == true
        }
    }

    @Test func whoMaySubmitObserve() {
        for role in ParticipantRole.allCases {
            #expect(role.maySubmit(.observe) == [.producer, .processor, .distributor, .retailer].contains(role))
        }
        #expect(EventKind.observe.isSupplyChain)
    }
}
