import Testing

@testable import Pipeline

@Suite struct ReportModelTests {
    @Test func flagsKeepTheirOrderAndIdentity() {
        let flag = Report.Flag(
            id: "F-1", subject: "shipment", score: 0.9, forestScore: 0.7, clusterScore: 0.8, cluster: 1, rules: [],
            drivers: [], reasons: ["a"], product: "p", lot: "l", shipmentID: "s", parties: ["a"], facilities: ["f"], records: [])
        #expect(flag.id == "F-1")
        #expect(Report.formatVersion == 1)
    }
}
