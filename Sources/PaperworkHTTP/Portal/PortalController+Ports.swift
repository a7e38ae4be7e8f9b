import Foundation
import Hummingbird
import NIOCore
import Store
import Workflow

/// Datacenters, ports and their Letters of Authorization, as customers use them: search the
/// catalog, order a port in a datacenter, follow it, download its LOA and send it to the
/// datacenter to order the cross-connect.
extension PortalController {
    /// The portal's datacenter and port pages (see ``addRoutes(to:)``).
    static let portPaths: Set<String> = [
        "/datacenters", "/datacenters/{id}", "/companies/{id}/ports", "/companies/{id}/ports/{port}",
        "/companies/{id}/ports/{port}/loa", "/companies/{id}/ports/{port}/loa/reissue", "/companies/{id}/ports/{port}/cancel",
    ]

    /// The templates the datacenter and port pages render.
    static let portTemplates = ["datacenters", "datacenter", "ports", "port", "port_cancel"]

    /// Datacenters shown per page of search results.
    static let datacentersPerPage = 20

    struct OrderForm: Decodable { var csrf: String?; var datacenter: String?; var speed: String?; var media: String?; var connector: String? }
    struct LOAForm: Decodable { var csrf: String?; var language: String?; var paper_size: String? }

    func addPortRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("datacenters") { request, _ -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            return try await datacenterSearch(request, reader)
        }
        router.get("datacenters/{id}") { request, context -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            let id = try context.parameters.require("id")
            guard let values = try await datacenterValues(id, reader, order: OrderForm()) else { return try notFound(reader) }
            return try page("datacenter", reader, title: "ports_datacenter_title", values)
        }
        router.post("companies/{id}/ports") { request, context -> Response in
            let reader = try await reader(request)
            guard let principal = reader.principal else { return Self.redirect("/signin") }
            let companyID = try context.parameters.require("id")
            let form = try await Self.form(OrderForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let ports, reader.companies.contains(where: { $0.company.id == companyID }) else { return try notFound(reader) }
            do {
                let port = try await ports.order(
                    .init(companyID: companyID, datacenterID: form.datacenter ?? "", speed: form.speed ?? "", media: form.media, connector: form.connector),
                    by: principal
                )
                return Self.redirect("/companies/\(companyID)/ports/\(port.id)")
            } catch let error as WorkflowError where error.kind != .notFound || error.code == "datacenter_not_found" {
                guard var values = try await datacenterValues(form.datacenter ?? "", reader, order: form) else { return try notFound(reader) }
                values["orderError"] = message(error, reader)
                return try page("datacenter", reader, title: "ports_datacenter_title", values, status: error.kind == .invalid ? .unprocessableContent : .conflict)
            }
        }
        router.get("companies/{id}/ports") { request, context -> Response in
            let reader = try await reader(request)
            guard let principal = reader.principal else { return Self.redirect("/signin") }
            guard let view = companyView(context.parameters.get("id") ?? "", reader) else { return try notFound(reader) }
            let list = try await ports?.ports(of: view.company.id, by: principal) ?? []
            let names = try await catalog.datacenters(list.map(\.datacenterID))
            let rows = list.map { port -> [String: Any] in
                var row = portSummary(port, reader)
                row["datacenter"] = names[port.datacenterID].map { "\($0.name), \($0.city)" } ?? port.datacenterID
                return row
            }
            return try page("ports", reader, title: "ports_title", [
                "companyID": view.company.id, "legalName": view.company.legalName, "ports": rows, "hasPorts": !rows.isEmpty,
                "orderAllowed": orderBlocker(view) == nil, "orderBlocker": orderBlocker(view).map { texts.text($0, reader.language) } ?? "",
            ])
        }
        router.get("companies/{id}/ports/{port}") { request, context -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            guard let (view, port) = try await companyPort(context, reader) else { return try notFound(reader) }
            return try page("port", reader, title: "ports_port_title", try await portValues(view, port, reader))
        }
        router.get("companies/{id}/ports/{port}/loa") { request, context -> Response in
            let reader = try await reader(request)
            guard let principal = reader.principal else { return Self.redirect("/signin") }
            guard let ports, let (view, port) = try await companyPort(context, reader) else { return try notFound(reader) }
            let language = request.uri.queryParameters["language"].map(String.init)
            let paperSize = request.uri.queryParameters["paper_size"].map(String.init)
            do {
                return Self.pdf(try await ports.currentLOA(portID: port.id, by: principal, language: language, paperSize: paperSize))
            } catch let error as WorkflowError {
                var values = try await portValues(view, port, reader)
                values["loaError"] = message(error, reader)
                return try page("port", reader, title: "ports_port_title", values, status: error.kind == .invalid ? .unprocessableContent : .conflict)
            }
        }
        router.post("companies/{id}/ports/{port}/loa/reissue") { request, context -> Response in
            let reader = try await reader(request)
            guard let principal = reader.principal else { return Self.redirect("/signin") }
            let form = try await Self.form(LOAForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let ports, let (view, port) = try await companyPort(context, reader) else { return try notFound(reader) }
            do {
                return Self.pdf(try await ports.reissueLOA(portID: port.id, by: principal, language: form.language, paperSize: form.paper_size))
            } catch let error as WorkflowError {
                var values = try await portValues(view, port, reader)
                values["loaError"] = message(error, reader)
                return try page("port", reader, title: "ports_port_title", values, status: error.kind == .invalid ? .unprocessableContent : .conflict)
            }
        }
        router.get("companies/{id}/ports/{port}/cancel") { request, context -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            guard let (view, port) = try await companyPort(context, reader) else { return try notFound(reader) }
            return try page("port_cancel", reader, title: "ports_cancel_title", try await portValues(view, port, reader))
        }
        router.post("companies/{id}/ports/{port}/cancel") { request, context -> Response in
            let reader = try await reader(request)
            guard let principal = reader.principal else { return Self.redirect("/signin") }
            let form = try await Self.form(CSRFForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let ports, let (view, port) = try await companyPort(context, reader) else { return try notFound(reader) }
            do {
                _ = try await ports.cancel(port.id, by: principal)
                return Self.redirect("/companies/\(view.company.id)/ports/\(port.id)")
            } catch let error as WorkflowError {
                var values = try await portValues(view, port, reader)
                values["cancelError"] = message(error, reader)
                return try page("port_cancel", reader, title: "ports_cancel_title", values, status: .conflict)
            }
        }
    }

    // MARK: The catalog

    /// `/datacenters?country=FR&q=paris&page=2`: the whole catalog, searched by country and
    /// text, a page at a time (one row more than shown tells whether a next page exists).
    func datacenterSearch(_ request: Request, _ reader: Reader) async throws -> Response {
        let parameters = request.uri.queryParameters
        let country = parameters["country"].map { String($0).uppercased() }.flatMap { $0.isEmpty ? nil : $0 }
        let query = parameters["q"].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let pageNumber = max(1, min(parameters["page"].flatMap { Int(String($0)) } ?? 1, 10_000))
        var values: [String: Any] = ["q": query ?? "", "countries": countryOptions(reader, chosen: country ?? ""), "anyCountry": country == nil]
        let found: [Datacenter]
        do {
            found = try await catalog.search(country: country, query: query, limit: Self.datacentersPerPage + 1, offset: (pageNumber - 1) * Self.datacentersPerPage)
        } catch let error as WorkflowError where error.kind == .invalid {
            values["searchError"] = message(error, reader)
            return try page("datacenters", reader, title: "ports_search_title", values, status: .unprocessableContent)
        }
        values["results"] = found.prefix(Self.datacentersPerPage).map { datacenter -> [String: Any] in
            [
                "id": datacenter.id, "name": datacenter.name, "operator": datacenter.orgName, "city": datacenter.city,
                "country": texts.countryName(datacenter.country, reader.language),
            ]
        }
        values["none"] = found.isEmpty
        values["pageNumber"] = pageNumber
        func link(_ number: Int) -> String {
            var items = [URLQueryItem(name: "page", value: String(number))]
            if let country { items.insert(URLQueryItem(name: "country", value: country), at: 0) }
            if let query { items.insert(URLQueryItem(name: "q", value: query), at: 0) }
            var components = URLComponents()
            components.path = "/datacenters"
            components.queryItems = items
            return components.string ?? "/datacenters"
        }
        if pageNumber > 1 { values["previous"] = link(pageNumber - 1) }
        if found.count > Self.datacentersPerPage { values["next"] = link(pageNumber + 1) }
        return try page("datacenters", reader, title: "ports_search_title", values)
    }

    /// Every ISO country as `<option>`s, named in the reader's language and sorted by that
    /// name, `chosen` selected (a code that is no option selects nothing).
    func countryOptions(_ reader: Reader, chosen: String) -> String {
        (countryOptionsHTML[reader.language] ?? countryOptionsHTML["en"])?.selecting(chosen) ?? ""
    }

    /// A datacenter's page: address, operator, what its panels offer, and the order form for
    /// the company in use, or why it cannot order. Nil for an unknown datacenter.
    func datacenterValues(_ id: String, _ reader: Reader, order form: OrderForm) async throws -> [String: Any]? {
        let datacenter: Datacenter
        do {
            datacenter = try await catalog.datacenter(id)
        } catch let error as WorkflowError where error.kind == .notFound {
            return nil
        }
        let panels = try await catalog.panels(of: datacenter.id)
        // What the datacenter offers: one line per media and connector, with free positions.
        var offers: [String: Int] = [:]
        for (panel, free) in panels { offers["\(panel.media)/\(panel.connector)", default: 0] += free }
        let offerRows = offers.sorted { $0.key < $1.key }.map { key, free -> [String: Any] in
            let parts = key.split(separator: "/").map(String.init)
            return [
                "media": texts.text("ports_media_" + parts[0], reader.language), "connector": parts[1],
                "free": free, "full": free == 0,
            ]
        }
        var values: [String: Any] = [
            "id": datacenter.id, "name": datacenter.name, "aka": datacenter.aka, "operator": datacenter.orgName,
            "address": [datacenter.address1, datacenter.address2, [datacenter.zipcode, datacenter.city].filter { !$0.isEmpty }.joined(separator: " "), datacenter.state]
                .filter { !$0.isEmpty }.map { ["line": $0] },
            "country": texts.countryName(datacenter.country, reader.language),
            "peeringDBID": datacenter.peeringDBID,
            "offers": offerRows, "noOffers": offerRows.isEmpty,
        ]
        let speed = form.speed ?? "10G", media = form.media ?? panels.first?.0.media ?? "smf", connector = form.connector ?? panels.first?.0.connector ?? "LC"
        values["speeds"] = PortOptions.speeds.map { ["value": $0, "checked": $0 == speed] }
        values["media"] = PortOptions.media.map { ["value": $0, "label": texts.text("ports_media_" + $0, reader.language), "checked": $0 == media] }
        values["connectors"] = PortOptions.connectors.map { ["value": $0, "checked": $0 == connector] }
        if ports == nil {
            values["orderBlocker"] = texts.text("ports_unavailable", reader.language)
        } else if let company = reader.company {
            values["companyID"] = company.company.id
            values["companyName"] = company.company.legalName
            if let blocker = orderBlocker(company) {
                values["orderBlocker"] = texts.text(blocker, reader.language)
            } else if offerRows.isEmpty {
                values["orderBlocker"] = texts.text("ports_no_panels", reader.language)
            } else {
                values["canOrder"] = true
            }
        } else {
            values["orderBlocker"] = texts.text("ports_blocked_no_company", reader.language)
        }
        return values
    }

    /// Why the reader cannot order for this company (a string key), or nil when they can.
    func orderBlocker(_ view: Companies.View) -> String? {
        if view.company.status != .verified { return "ports_blocked_not_verified" }
        if view.membership?.permissions.contains(.orderPorts) != true { return "ports_blocked_permission" }
        return nil
    }

    // MARK: A company's ports

    /// The reader's company and one of its ports, or nil (unknown, or another company's).
    func companyPort(_ context: PaperworkRequestContext, _ reader: Reader) async throws -> (Companies.View, CustomerPort)? {
        guard let principal = reader.principal, let ports,
              let view = companyView(context.parameters.get("id") ?? "", reader),
              let portID = context.parameters.get("port") else { return nil }
        do {
            let port = try await ports.port(portID, by: principal)
            return port.companyID == view.company.id ? (view, port) : nil
        } catch let error as WorkflowError where error.kind == .notFound {
            return nil
        }
    }

    func portSummary(_ port: CustomerPort, _ reader: Reader) -> [String: Any] {
        [
            "id": port.id, "serviceID": port.serviceID, "speed": port.speed,
            "media": texts.text("ports_media_" + port.media, reader.language), "connector": port.connector,
            "state": texts.text("ports_state_" + port.status.rawValue, reader.language), "stateCode": port.status.rawValue,
            "orderedAt": moment(port.createdAt, reader), "crossConnectID": port.crossConnectID ?? false,
        ]
    }

    /// A port's page: service id, datacenter, panel and positions, LOA download, reissue and
    /// cancel (for members allowed to), and what to do with the LOA.
    func portValues(_ view: Companies.View, _ port: CustomerPort, _ reader: Reader) async throws -> [String: Any] {
        var values = portSummary(port, reader)
        values["companyID"] = view.company.id
        values["legalName"] = view.company.legalName
        if let datacenter = try? await catalog.datacenter(port.datacenterID) {
            values["datacenter"] = ["id": datacenter.id, "name": datacenter.name, "operator": datacenter.orgName, "city": datacenter.city]
            if let (panel, _) = try await catalog.panels(of: datacenter.id).first(where: { $0.0.id == port.panelID }) {
                values["panel"] = ["cage": panel.cage, "cabinet": panel.cabinet, "name": panel.name]
            }
        }
        values["positions"] = "\(port.positionA)/\(port.positionB)"
        let permissions = view.membership?.permissions ?? []
        let live = port.status != .cancelled
        values["awaiting"] = port.status == .awaitingCrossConnect
        values["cancelled"] = !live
        values["canDownload"] = live && permissions.contains(.downloadLOAs)
        values["canCancel"] = live && permissions.contains(.orderPorts)
        values["noLOAPermission"] = live && !permissions.contains(.downloadLOAs)
        values["languages"] = [["value": "en", "label": "English", "selected": reader.language == "en"], ["value": "fr", "label": "Français", "selected": reader.language == "fr"]]
        let a4 = reader.language != "en"
        values["paperSizes"] = [["value": "a4", "label": "A4", "selected": a4], ["value": "us_letter", "label": "US Letter", "selected": !a4]]
        return values
    }

    /// A signed LOA as a download.
    static func pdf(_ issued: Ports.IssuedLOA) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(issued.fileName)\"",
                .cacheControl: "private, no-store", .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: issued.pdf))
        )
    }
}

/// The country `<option>`s rendered once, with where each option's `selected` would go, so a
/// page marks its chosen country by splicing instead of searching 20 KB of HTML.
struct CountryOptions {
    let html: String
    /// For each country code, the index just after `<option value="XX"`.
    let selectionPoints: [String: String.Index]

    init(_ html: String) {
        self.html = html
        var points: [String: String.Index] = [:]
        var rest = html[...]
        let opening = "<option value=\""
        while let start = rest.range(of: opening) {
            guard let close = rest[start.upperBound...].firstIndex(of: "\"") else { break }
            points[String(rest[start.upperBound..<close])] = rest.index(after: close)
            rest = rest[close...]
        }
        selectionPoints = points
    }

    /// The options with `code` selected; as they are for a code that is no option.
    func selecting(_ code: String) -> String {
        guard let point = selectionPoints[code] else { return html }
        var selected = String(html[..<point])
        selected.reserveCapacity(html.utf8.count + 9)
        selected += " selected"
        selected += html[point...]
        return selected
    }
}
