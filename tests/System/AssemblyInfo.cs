// The system tests start whole stacks, container engines and swarms; on a machine of two cores, running them side by side
// would make each one's timing depend on the others. One at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
