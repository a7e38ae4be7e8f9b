import Hummingbird
import Workflow

extension PortalController {
    /// The portal's account pages (see addRoutes(to:)).
    static let accountPaths: Set<String> = []

    /// The templates the account pages render.
    static let accountTemplates: [String] = []

    func addAccountRoutes(to router: Router<PaperworkRequestContext>) {
    }
}
