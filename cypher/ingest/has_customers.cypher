// Whether the database already holds customers (then `serve --demo` leaves it alone).
// Returns: hasCustomers
RETURN EXISTS { MATCH (:Customer) } AS hasCustomers
