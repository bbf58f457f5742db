# Joins the two migrations written side by side (access control and OIDC sign-in); no changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0002_access_control'),
        ('identity', '0002_oidc'),
    ]

    operations = []
