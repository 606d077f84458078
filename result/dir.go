package result

// The files of a results directory. Package scenarios writes them; package
// plots and `infersim plot` read them back.
const (
	RequestsFile   = "requests.csv"   // one row per request (RecordWriter)
	SummaryCSVFile = "summary.csv"    // one row per group (WriteSummaryCSV)
	SummaryFile    = "summary.json"   // the Run (WriteRunJSON)
	TraceFile      = "trace.json"     // one replication's spans, Chrome trace-event format (WriteTrace)
	ValidationFile = "validation.csv" // reference facts against the simulation (WriteValidationCSV)
	LayersFile     = "layers.csv"     // per-layer timings for calibration charts (WriteLayersCSV)
	ReportFile     = "index.html"     // the report a user opens first
	PlotsDir       = "plots"          // charts, PNG and SVG
)
