package main

// The recipes of deploy/ (README "Bigger than one machine"): their
// commands run as the cluster would run them, each shard its own process
// with the engine's variable set, and merged into the result of a single
// run.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// k8sJob is the part of a batch/v1 Job the recipe test reads.
type k8sJob struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				RestartPolicy string `yaml:"restartPolicy"`
				Containers    []struct {
					Command      []string `yaml:"command"`
					Args         []string `yaml:"args"`
					VolumeMounts []struct {
						Name      string `yaml:"name"`
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []struct {
					Name string `yaml:"name"`
					PVC  struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// autoShards returns N of the "--shard auto/N" in args.
func autoShards(t *testing.T, args []string) int {
	t.Helper()
	for i, a := range args {
		if a == "--shard" && i+1 < len(args) && strings.HasPrefix(args[i+1], "auto/") {
			n, err := strconv.Atoi(strings.TrimPrefix(args[i+1], "auto/"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no --shard auto/N in %v", args)
	return 0
}

func TestKubernetesRecipe(t *testing.T) {
	b, err := os.ReadFile("../../deploy/kubernetes/indexed-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	jobs := map[string]k8sJob{}
	claims := map[string]bool{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var j k8sJob
		if err := dec.Decode(&j); err != nil {
			break
		}
		switch j.Kind {
		case "Job":
			jobs[j.Metadata.Labels["step"]] = j
		case "PersistentVolumeClaim":
			claims[j.Metadata.Name] = true
		}
	}
	shards, merge := jobs["shards"], jobs["merge"]
	if len(shards.Spec.Template.Spec.Containers) != 1 || len(merge.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("want a shards Job and a merge Job of one container each: %+v", jobs)
	}
	sc, mc := shards.Spec.Template.Spec.Containers[0], merge.Spec.Template.Spec.Containers[0]
	n := autoShards(t, sc.Args)
	if shards.Spec.CompletionMode != "Indexed" || shards.Spec.Completions != n || shards.Spec.Parallelism > n {
		t.Errorf("shards Job: completionMode %q, completions %d, parallelism %d, for auto/%d", shards.Spec.CompletionMode, shards.Spec.Completions, shards.Spec.Parallelism, n)
	}
	// Both Jobs mount the same claim at the same place.
	mount := func(j k8sJob) string {
		s := j.Spec.Template.Spec
		if len(s.Volumes) != 1 || len(s.Containers[0].VolumeMounts) != 1 || !claims[s.Volumes[0].PVC.ClaimName] {
			t.Fatalf("%s: want one volume, a claim of the file: %+v", j.Metadata.Name, s.Volumes)
		}
		return s.Volumes[0].PVC.ClaimName + ":" + s.Containers[0].VolumeMounts[0].MountPath
	}
	if mount(shards) != mount(merge) {
		t.Errorf("the Jobs mount %s and %s", mount(shards), mount(merge))
	}
	root := sc.VolumeMounts[0].MountPath
	data := t.TempDir()
	local := func(args []string) []string {
		out := make([]string, len(args))
		for i, a := range args {
			if a == root || strings.HasPrefix(a, root+"/") {
				a = data + strings.TrimPrefix(a, root)
			}
			out[i] = a
		}
		return out
	}
	if len(sc.Command) != 1 || sc.Command[0] != "infersim" || len(mc.Command) != 1 || mc.Command[0] != "infersim" {
		t.Fatalf("commands %v, %v", sc.Command, mc.Command)
	}
	// Each pod: its own process, JOB_COMPLETION_INDEX set.
	for i := 0; i < shards.Spec.Completions; i++ {
		runEnv(t, []string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i)}, local(sc.Args)...)
	}
	runEnv(t, nil, local(mc.Args)...)
	result := local([]string{argAfter(t, mc.Args, "--out")})[0]
	ref := filepath.Join(t.TempDir(), "ref")
	runEnv(t, nil, singleRun(t, sc.Args, ref)...)
	sameResult(t, "the Kubernetes recipe", result, ref)
}

// argAfter returns the argument after flag.
func argAfter(t *testing.T, args []string, flag string) string {
	t.Helper()
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	t.Fatalf("no %s in %v", flag, args)
	return ""
}

// singleRun turns a shard's arguments into a single run's into out.
func singleRun(t *testing.T, args []string, out string) []string {
	t.Helper()
	var single []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--shard", "--out":
			i++
		default:
			single = append(single, args[i])
		}
	}
	return append(single, "--out", out)
}

func TestSlurmRecipe(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	array, err := os.ReadFile("../../deploy/slurm/array.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	mergeScript, err := os.ReadFile("../../deploy/slurm/merge.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^#SBATCH --array=0-([0-9]+)$`).FindSubmatch(array)
	if m == nil {
		t.Fatal("array.sbatch: no #SBATCH --array=0-LAST")
	}
	last, _ := strconv.Atoi(string(m[1]))
	d := regexp.MustCompile(`(?m)^SHARDS=\$\{SHARDS:-([0-9]+)\}$`).FindSubmatch(array)
	if d == nil || string(d[1]) != strconv.Itoa(last+1) {
		t.Fatalf("array.sbatch: SHARDS default %q, the array has %d tasks", d, last+1)
	}
	if !bytes.Contains(array, []byte("--dependency=afterok:")) || !bytes.Contains(mergeScript, []byte("--dependency=afterok:")) {
		t.Error("the recipes do not say how to start the merge after the array")
	}
	work := t.TempDir()
	env := []string{
		"PATH=" + filepath.Dir(infersimBin(t)) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"SHARDS_DIR=" + filepath.Join(work, "shards"), "RESULT=" + filepath.Join(work, "result"),
		"SLURM_CPUS_PER_TASK=1",
	}
	bash := func(script string, more ...string) {
		t.Helper()
		cmd := exec.Command("bash", script)
		cmd.Dir = work
		cmd.Env = append(append(os.Environ(), env...), more...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
	}
	abs, _ := filepath.Abs("../../deploy/slurm")
	// Each array task: its own process, SLURM_ARRAY_TASK_ID set.
	for i := 0; i <= last; i++ {
		bash(filepath.Join(abs, "array.sbatch"), fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", i), "SLURM_ARRAY_JOB_ID=1")
	}
	bash(filepath.Join(abs, "merge.sbatch"))
	sc := regexp.MustCompile(`(?m)^SCENARIO=\$\{SCENARIO:-([^}]+)\}$`).FindSubmatch(array)
	if sc == nil {
		t.Fatal("array.sbatch: no SCENARIO default")
	}
	ref := filepath.Join(work, "ref")
	runEnv(t, nil, "run", string(sc[1]), "-q", "--out", ref)
	sameResult(t, "the Slurm recipe", filepath.Join(work, "result"), ref)
}
