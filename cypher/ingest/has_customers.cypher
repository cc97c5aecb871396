// Whether the database already holds customers (then `serve --demo` leaves it alone).
RETURN EXISTS { MATCH (:Customer) } AS hasCustomers
