# The Consul agent itself: registers its node and syncs the services registered on it.
node_prefix "" { policy = "write" }
service_prefix "" { policy = "read" }
