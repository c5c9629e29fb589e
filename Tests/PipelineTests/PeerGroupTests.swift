import Testing

@testable import Pipeline

/// ``PeerGroups``: the reliable group, and the small groups below it blended in by credibility.
@Suite struct PeerGroupTests {
    /// Items of the small groups `groups` (name → values), all under one parent "P".
    static func resolve(_ groups: [(String, [Double])], minimumCohort: Int) -> [PeerReference?] {
        fitted(groups, minimumCohort: minimumCohort).references
    }

    static func fitted(_ groups: [(String, [Double])], minimumCohort: Int) -> (
        references: [PeerReference?], table: PeerTable
    ) {
        var keys = [[String]]()
        var values = [Double?]()
        for (group, members) in groups {
            for value in members {
                keys.append([group, "P"])
                values.append(value)
            }
        }
        return PeerGroups.resolve(
            keys: keys, values: values, minimumCohort: minimumCohort, minimumSpread: 1, relativeSpread: 0.05,
            name: { $0 })
    }

    /// The table the fitted model keeps: every group with its size, median and spread, in name order, and the
    /// blending constant of the parent the small groups fall back to.
    @Test func theFittedTableListsEveryGroupAndItsParentsBlend() throws {
        let table = Self.fitted(
            [
                ("sea", [400, 410, 420, 430, 440]), ("road-1", [10, 11, 12, 13, 14]), ("road-2", [12, 13, 14, 15, 16]),
            ],
            minimumCohort: 10
        ).table
        #expect(table.groups.map(\.group) == ["P", "road-1", "road-2", "sea"])
        #expect(table.groups.map(\.count) == [15, 5, 5, 5])
        #expect(table.groups.map(\.median) == [14, 12, 14, 420])
        #expect(table.kappa.map(\.group) == ["P"] && (table.kappa.first?.kappa ?? 0) > 0)
    }

    /// One lane's goods sail while its parent's other lanes truck: five sailings already outweigh the parent.
    @Test func aSmallGroupUnlikeItsSiblingsKeepsMostOfItsOwnNorm() throws {
        let references = Self.resolve(
            [
                ("sea", [400, 410, 420, 430, 440]), ("road-1", [10, 11, 12, 13, 14]),
                ("road-2", [12, 13, 14, 15, 16]),
            ], minimumCohort: 10)
        let sea = try #require(references[2])
        #expect(sea.group == "sea" && sea.count == 4, "the item's own value is left out")
        #expect(sea.parent?.group == "P" && sea.parent?.count == 15 && sea.parent?.median == 14)
        #expect(try #require(sea.parent?.weight) > 0.9)
        #expect(abs(sea.deviation(420)) < 1, "an ordinary sailing is ordinary among sailings")
        // The parent alone would have made it many spreads too slow.
        let parentOnly = Self.resolve(
            [("sea", [400, 410, 420, 430, 440]), ("road", [10, 11, 12, 13, 14])], minimumCohort: 1)
        #expect(try #require(parentOnly[2]).group == "sea", "a cohort of 1 makes every group reliable")
    }

    /// Where the parent's groups all look alike, a small group's own values add almost nothing.
    @Test func aSmallGroupLikeItsSiblingsIsMeasuredAgainstItsParent() throws {
        let references = Self.resolve(
            [("a", [10, 12, 14, 16]), ("b", [11, 13, 15, 17]), ("c", [10, 13, 14, 17]), ("d", [12, 14, 16, 60])],
            minimumCohort: 10)
        let kappa = try #require(
            PeerGroups.kappa(
                ["a", "b", "c"].map {
                    PeerReference(group: $0, count: 4, median: 13, spread: 3)
                }))
        #expect(kappa == .infinity, "identical medians: no spread between the groups")
        let outlier = try #require(references[15])
        // The 60 is left out of its group; the others, 12, 14 and 16, are like every other group.
        #expect(abs(outlier.median - 14) < 1.5)
        #expect(outlier.deviation(60) > 5)
    }

    /// A lane's only shipment has no peers of its own there: the parent alone is its reference.
    @Test func aGroupOfOneIsItsParent() throws {
        let references = Self.resolve(
            [("alone", [500]), ("b", [10, 11, 12, 13, 14]), ("c", [12, 13, 14, 15, 16])], minimumCohort: 10)
        let alone = try #require(references[0])
        #expect(alone.group == "P" && alone.parent == nil && alone.count == 11 && alone.median == 13)
        #expect(alone.deviation(500) > 100)
    }

    /// One anomaly among a small group's three does not set its own norm.
    @Test func anAnomalyInASmallGroupStillStandsOut() throws {
        let references = Self.resolve(
            [("lane", [300, 310, 3000]), ("b", [98, 100, 102, 104, 106]), ("c", [195, 200, 205, 210, 215])],
            minimumCohort: 10)
        let anomaly = try #require(references[2])
        #expect(anomaly.count == 2)
        #expect(abs(anomaly.median - 305) < 10)
        #expect(anomaly.deviation(3000) > 50)
    }

    /// No group with enough values at any level: no reference at all.
    @Test func noReliableGroupGivesNoReference() {
        #expect(Self.resolve([("a", [1, 2]), ("b", [3])], minimumCohort: 10) == [nil, nil, nil])
        #expect(PeerGroups.kappa([PeerReference(group: "a", count: 5, median: 1, spread: 1)]) == nil)
    }

    @Test func theExplanationNamesBothGroups() {
        let reference = PeerReference(
            group: "lane A → B", count: 14, median: 116, spread: 10,
            parent: PeerReference.Parent(group: "lanes of 400–800 km", count: 167, median: 30.2, weight: 0.85))
        #expect(
            reference.text(unit: "h", members: "shipments on ")
                == "the 116 h norm of 14 shipments on lane A → B, drawn 15 % toward the 30.2 h median of 167 shipments on lanes of 400–800 km"
        )
    }
}
