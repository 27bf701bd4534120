// A minimal reproduction of docs/orleans-stale-generation-connection.md, for Orleans' maintainers: two silos in two
// processes on fixed loopback ports, Orleans' own Redis clustering, nothing of Autopilot's. Hand-written because it is
// the report's evidence, not part of the stack.
//
//   redis-server --port 6390 --save '' --daemonize yes
//   dotnet run -c Release --project docs/repro/StaleGenerationConnection -- --redis 127.0.0.1:6390
//
// What it does: silo A and silo B start; B is killed (SIGKILL) and started again on the same port, a new generation,
// slowly (a lifecycle step of 5 s between its listener and its membership start, as a silo connecting to storage
// would). Meanwhile A, which still lists the old B as Active, calls a grain that lived on the old B: it connects to
// B's endpoint for the old generation, the new B answers, and A's ConnectionManager registers that connection under
// both generations. The new B joins and declares the old one Dead; 10 s later A's SiloConnectionMaintainer closes the
// old generation's connections, which is the live connection to the new B. A keeps calling a grain on the new B the
// whole time: calls in flight at that moment are lost and wait out the whole response timeout.
//
// With --retire-old-generation-first, the new B first marks its old generation Dead in the table and waits one table
// refresh before it listens (a mitigation: A learns of the death before anything can answer for the old generation).
using StaleGenerationConnection;

return args is ["silo", ..] ? await SiloProcess.RunAsync(args[1..]) : await Driver.RunAsync(args);
