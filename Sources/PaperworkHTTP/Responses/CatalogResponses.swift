import Hummingbird
import Store

/// A datacenter as the API shows it (`Datacenter` in `openapi.yaml`). Mapped from the stored
/// record, so a column rename in the store never changes the API.
struct DatacenterResponse: ResponseEncodable {
    var id: String
    var peeringdb_id: Int
    var org_name: String
    var name: String
    var aka: String
    var address1: String
    var address2: String
    var city: String
    var state: String
    var zipcode: String
    var country: String
    var latitude: Double?
    var longitude: Double?
    var clli: String
    var updated_at: String

    init(_ record: Datacenter) {
        id = record.id
        peeringdb_id = record.peeringDBID
        org_name = record.orgName
        name = record.name
        aka = record.aka
        address1 = record.address1
        address2 = record.address2
        city = record.city
        state = record.state
        zipcode = record.zipcode
        country = record.country
        latitude = record.latitude
        longitude = record.longitude
        clli = record.clli
        updated_at = record.updatedAt
    }
}

/// A company's port as the API shows it (`Port` in `openapi.yaml`).
struct PortResponse: ResponseEncodable {
    var id: String
    var service_id: String
    var company_id: String
    var datacenter_id: String
    var panel_id: String
    var position_a: Int
    var position_b: Int
    var speed: String
    var media: String
    var connector: String
    var status: String
    var ordered_by: String
    var created_at: String
    var updated_at: String
    var cross_connect_id: String?

    init(_ record: CustomerPort) {
        id = record.id
        service_id = record.serviceID
        company_id = record.companyID
        datacenter_id = record.datacenterID
        panel_id = record.panelID
        position_a = record.positionA
        position_b = record.positionB
        speed = record.speed
        media = record.media
        connector = record.connector
        status = record.status.rawValue
        ordered_by = record.orderedBy
        created_at = record.createdAt
        updated_at = record.updatedAt
        cross_connect_id = record.crossConnectID
    }
}
