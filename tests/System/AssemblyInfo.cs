// The system tests start whole stacks, container engines and swarms; on a machine of two cores, running them side by side
// would make each one's timing depend on the others. One at a time. (Tried: the container stories in a lane beside the
// local stacks' took the run from 25 to 21 min, but compose's three silos took 142 s to turn Active instead of 35, and the
// swarm's Consul lost its leader under the load.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]
