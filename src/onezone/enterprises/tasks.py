"""Background tasks of the enterprise app, thin wrappers over services."""

from django_tasks import task

from onezone.enterprises.services import files, imports


@task()
def refresh_development_stages() -> int:
    return files.enterprise_stages_refresh()


@task()
def run_enterprise_import(import_id: int) -> str:
    return imports.import_run(import_id=import_id).status
