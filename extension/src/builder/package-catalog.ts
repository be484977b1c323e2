/**
 * A curated list of packages researchers often ask for, per package manager,
 * for the builder's package search. Anything else can still be typed in.
 */
import type { PackageKind } from './schema-fields';

export const CURATED_PACKAGES: Record<PackageKind, ReadonlyArray<string>> = {
  system: [
    'bzip2', 'cmake', 'curl', 'gcc', 'gcc-c++', 'gcc-gfortran', 'gdb', 'git',
    'git-lfs', 'htop', 'jq', 'make', 'nano', 'openmpi', 'openssl-devel',
    'parallel', 'python3-pip', 'rsync', 'sqlite', 'tar', 'tmux', 'tree',
    'unzip', 'vim', 'wget', 'zip', 'zsh'
  ],
  conda: [
    'bcftools', 'bioconductor-deseq2', 'biopython', 'bwa', 'cartopy', 'dask',
    'duckdb', 'fastqc', 'gdal', 'geopandas', 'h5py', 'ipywidgets', 'jupyterlab',
    'matplotlib', 'netcdf4', 'numpy', 'openjdk', 'pandas', 'polars', 'proj',
    'pyarrow', 'pyspark', 'python', 'pytorch-cpu', 'r-base', 'r-irkernel',
    'r-tidyverse', 'rasterio', 'samtools', 'scikit-learn', 'scipy', 'seaborn',
    'snakemake', 'statsmodels', 'xarray', 'zarr'
  ],
  pip: [
    'awscli', 'black', 'boto3', 'datasets', 'duckdb', 'fastapi', 'httpx',
    'ipywidgets', 'jupyter-server-proxy', 'jupyterlab', 'jupyterlab-git',
    'lightgbm', 'mlflow', 'nbconvert', 'numpy', 'optuna', 'pandas', 'plotly',
    'polars', 'pytest', 'requests', 'ruff', 'scikit-learn', 'scipy',
    'sentence-transformers', 'streamlit', 'tensorboard', 'torch',
    'transformers', 'xgboost'
  ]
};

/** Curated packages of `kind` that contain `query`, not yet chosen. */
export function searchPackages(
  kind: PackageKind,
  query: string,
  chosen: ReadonlyArray<string>,
  limit = 8
): string[] {
  const needle = query.trim().toLowerCase();
  if (!needle) {
    return [];
  }
  return CURATED_PACKAGES[kind]
    .filter(name => name.includes(needle) && !chosen.includes(name))
    .sort((a, b) => Number(!a.startsWith(needle)) - Number(!b.startsWith(needle)))
    .slice(0, limit);
}
