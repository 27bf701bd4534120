# A gateway: its own service, and a read of the membership table (where it finds the silos' gateway endpoints).
service "gateway" { policy = "write" }
key_prefix "orleans/" { policy = "read" }
