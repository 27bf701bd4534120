# A gateway: its own service, a read of the membership table (where it finds the silos' gateway endpoints), and a read of
# the silos' checks (it sends no client call through a silo whose ready check is critical; node read to see the instances).
service "gateway" { policy = "write" }
key_prefix "orleans/" { policy = "read" }
service "silo" { policy = "read" }
node_prefix "" { policy = "read" }
