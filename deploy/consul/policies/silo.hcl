# A silo: its own service, the membership table (the KV prefix of Orleans' Consul layout), and a read of the other silos'
# registrations (node read to see the instances): its ready check asks its peers at the HTTP endpoint each one registered.
service "silo" { policy = "write" }
key_prefix "orleans/" { policy = "write" }
node_prefix "" { policy = "read" }
