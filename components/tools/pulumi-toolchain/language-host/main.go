// pulumi-language-nodejs: a minimal Node.js language host for the Pulumi engine, written for sealfarm.
//
// Why our own: the upstream host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
// served by the Go module proxy these machines reach, while the CLI's modules (pkg/v3, sdk/v3) are. This host does
// only what `pulumi up/preview/refresh/destroy` of a Node.js program need: it serves the LanguageRuntime gRPC API,
// and Run starts `node <runtime.options.nodeargs> <@pulumi/pulumi/cmd/run> --monitor … <program>`, exactly the
// command line the SDK's runner expects. Everything else (installing dependencies, generating projects, packing
// SDKs, policy packs) answers Unimplemented. The SDK version it runs with is the project's own @pulumi/pulumi.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The runner's exit code after it has already shown the user an error (cmd/run/index.js): the engine must not print
// a second, generic one.
const exitAfterLoggedError = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	// The engine passes its own address as the last positional argument, and may pass flags before it.
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.String("root", "", "ignored: the program directory comes with each request")
	flag.Parse()
	engine := ""
	if args := flag.Args(); len(args) > 0 {
		engine = args[len(args)-1]
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{engineAddress: engine})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot serve: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from our first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// The plugins a program needs are named by the installed packages: every node_modules/<pkg>/package.json with
// "pulumi": {"resource": true}. Dynamic providers need none (the engine knows pulumi-nodejs).
func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := resourcePackages(req.GetInfo().GetRootDirectory())
	if err != nil {
		return nil, err
	}
	pkgs := make([]*pulumirpc.PackageDependency, 0, len(deps))
	for _, d := range deps {
		pkgs = append(pkgs, &pulumirpc.PackageDependency{Name: d.Name, Kind: d.Kind, Version: d.Version})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *host) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	deps, err := resourcePackages(req.GetInfo().GetRootDirectory())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: deps}, nil
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
	} `json:"pulumi"`
}

// resourcePackages reads the top level of <root>/node_modules (scoped packages included): a flat npm install puts
// every provider SDK there.
func resourcePackages(root string) ([]*pulumirpc.PluginDependency, error) {
	if root == "" {
		return nil, nil
	}
	var dirs []string
	top := filepath.Join(root, "node_modules")
	entries, err := os.ReadDir(top)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "@") {
			scoped, err := os.ReadDir(filepath.Join(top, e.Name()))
			if err != nil {
				return nil, err
			}
			for _, s := range scoped {
				dirs = append(dirs, filepath.Join(top, e.Name(), s.Name()))
			}
		} else {
			dirs = append(dirs, filepath.Join(top, e.Name()))
		}
	}
	var deps []*pulumirpc.PluginDependency
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "package.json"))
		if err != nil {
			continue
		}
		var p packageJSON
		if err := json.Unmarshal(b, &p); err != nil || !p.Pulumi.Resource {
			continue
		}
		name := p.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(p.Name, "@pulumi/"), "@")
		}
		v := p.Pulumi.Version
		if v == "" {
			v = p.Version
		}
		if v != "" && !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		deps = append(deps, &pulumirpc.PluginDependency{Name: name, Kind: "resource", Version: v})
	}
	return deps, nil
}

// runnerPath finds @pulumi/pulumi/cmd/run the way node would from the program's directory, so the SDK that runs the
// program is the project's own copy (two copies would mean two engines' worth of state).
func runnerPath(dir string) (string, error) {
	cmd := exec.Command("node", "-e", "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find @pulumi/pulumi from %s (has `npm install` run?): %w", dir, err)
	}
	return string(out), nil
}

func (h *host) Run(_ context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	run, err := runnerPath(dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	var args []string
	// runtime.options.nodeargs from Pulumi.yaml (for sealfarm: "--import tsx"). Split on white space: quoting is
	// not supported, which a loader flag does not need.
	if opts := info.GetOptions().AsMap(); opts != nil {
		if na, ok := opts["nodeargs"].(string); ok {
			args = append(args, strings.Fields(na)...)
		}
		if ts, ok := opts["typescript"].(bool); ok && ts {
			return &pulumirpc.RunResponse{
				Error: "this language host runs TypeScript through nodeargs (e.g. \"--import tsx\") only: set runtime.options.typescript: false in Pulumi.yaml",
			}, nil
		}
	}
	args = append(args, run)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("root-directory", info.GetRootDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", fmt.Sprint(req.GetParallel()))
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	cfg, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(), "PULUMI_CONFIG="+string(cfg), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.ExitStatus() == exitAfterLoggedError {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with %v", exit)}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}
